import { Redis } from "ioredis";

export type { Redis };

/** The reconnect delay: quick first retries, never more than a second apart, forever. */
export function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 5), 1000);
}

/** The URL as it may appear in a log: no password, no user name. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    if (parsed.username) parsed.username = "***";
    return parsed.toString();
  } catch {
    return "(unparseable Redis URL)";
  }
}

/**
 * A Redis client for the request path. Every caller has an in-process answer
 * when Redis cannot answer (the limiter counts in memory, the cache misses),
 * so the client fails commands at once instead of holding requests:
 * - no offline queue: a command sent while disconnected is rejected at once;
 * - no retries per request, and nothing resent after a reconnect, since a
 *   resent rate-limit script would count the same request twice;
 * - reconnection never gives up, at most a second apart, so recovery is
 *   noticed within about a second of Redis coming back.
 *
 * Callers bound their own waits (the limiter to ~50 ms); `commandTimeout` is
 * only the backstop for anyone else using this client.
 *
 * Use one client for the limiter and another for the cache: replies come back
 * in order on one connection, so a large cached body would delay the
 * limiter's small replies behind it.
 */
export function createRedis(url: string | undefined, log: (msg: string) => void): Redis | null {
  if (!url) return null;
  const where = redactRedisUrl(url);
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 500,
    commandTimeout: 1000,
    retryStrategy: reconnectDelay,
    lazyConnect: false,
    connectionName: "portico-gateway",
  });

  // One line per outage and one per recovery: the client retries every
  // second while Redis is down, and an error event per attempt would bury the
  // log. (ioredis also prints unhandled "error" events itself, so a listener
  // is needed in any case.)
  let up = false;
  let reportedDown = false;
  redis.on("ready", () => {
    up = true;
    reportedDown = false;
    log(`redis: connected to ${where}`);
  });
  redis.on("error", (err: Error) => {
    if (reportedDown) return;
    reportedDown = true;
    log(`redis: ${up ? "connection lost to" : "cannot connect to"} ${where}: ${err.message}`);
  });
  // "reconnecting", not "close": a close at shutdown (quit) is no outage.
  redis.on("reconnecting", () => {
    if (!up || reportedDown) return;
    reportedDown = true;
    log(`redis: connection lost to ${where}; reconnecting`);
  });
  return redis;
}

export class DeadlineError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = "DeadlineError";
  }
}

/**
 * `promise`, or a DeadlineError after `ms`. The verdict waits one more turn of
 * the event loop after the timer fires: timers run before sockets are read, so
 * a reply that arrived while this process was busy (GC, a burst of requests)
 * would otherwise lose to the timer and blame Redis for our own delay.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new DeadlineError(ms));
      });
    }, ms);
    promise.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
