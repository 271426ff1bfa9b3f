// Runs deliveries in the job worker. The WebhookDelivery rows are the queue:
// they are written in the transaction of the change (so a rolled-back change
// sends nothing) and carry their own schedule (nextAttemptAt), so nothing is
// lost while the worker is down and retries survive restarts.
//
// Two triggers start a pass over the due rows:
// - NOTIFY on commit: enqueueWebhookEvent calls pg_notify inside the
//   transaction, which Postgres delivers only if it commits, so the first
//   attempt follows the change within milliseconds;
// - a short poll (every few seconds): retries whose time has come, rows whose
//   wake-up was missed (the worker was down or reconnecting), and databases
//   whose LISTEN does not reach us.
import pg from "pg";
import { WEBHOOK_WAKE_CHANNEL } from "./events";
import { deliverDueWebhooks } from "./deliver";

export interface WebhookDispatcher {
  /** Starts a pass now (or right after the running one). */
  wake(): void;
  /** Stops listening and polling, and waits for the attempts in flight. */
  stop(): Promise<void>;
}

export function startWebhookDispatcher(connectionString: string, options: { pollMs?: number; log?: (message: string) => void } = {}): WebhookDispatcher {
  const log = options.log ?? console.log;
  const pollMs = options.pollMs ?? Number(process.env.PORTICO_WEBHOOK_POLL_MS ?? 5_000);
  let stopped = false;
  let current: Promise<void> | null = null;
  let again = false;
  let listener: pg.Client | null = null;
  let connecting = false;
  // Retried at every poll; said once, not every few seconds.
  let listenFailureLogged = false;

  const pass = async () => {
    do {
      again = false;
      try {
        const outcomes = await deliverDueWebhooks();
        const failed = outcomes.filter((o) => o.status !== "DELIVERED").length;
        if (outcomes.length) log(`[worker] webhooks: ${outcomes.length - failed} delivered, ${failed} failed attempt(s)`);
      } catch (error) {
        log(`[worker] webhook delivery pass failed: ${(error as Error).message}`);
      }
    } while (again && !stopped);
  };

  const wake = () => {
    if (stopped) return;
    if (current) {
      again = true;
      return;
    }
    current = pass().finally(() => {
      current = null;
    });
  };

  const listen = async () => {
    if (listener || connecting || stopped) return;
    connecting = true;
    const client = new pg.Client({ connectionString });
    const drop = () => {
      if (listener === client) listener = null;
      void client.end().catch(() => undefined);
    };
    client.on("error", (error) => {
      log(`[worker] webhook wake-up connection lost (${error.message}); polling until it is back`);
      drop();
    });
    client.on("notification", () => wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${WEBHOOK_WAKE_CHANNEL}`);
      if (stopped) await client.end();
      else {
        listener = client;
        listenFailureLogged = false;
      }
    } catch (error) {
      if (!listenFailureLogged) log(`[worker] cannot listen for webhook wake-ups (${(error as Error).message}); polling every ${pollMs} ms`);
      listenFailureLogged = true;
      drop();
    } finally {
      connecting = false;
    }
  };

  const timer = setInterval(() => {
    void listen();
    wake();
  }, pollMs);
  void listen();
  wake();

  return {
    wake,
    async stop() {
      stopped = true;
      clearInterval(timer);
      const client = listener;
      listener = null;
      await client?.end().catch(() => undefined);
      await current;
    },
  };
}
