// A real HTTP receiver on 127.0.0.1 for the webhook tests: it checks every
// request's signature and timestamp the way a team's endpoint would (with
// the exported verifyWebhookSignature), records what it got, and answers as
// the test tells it: 200, an error status, a redirect, or nothing at all.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhookSignature } from "@/lib/webhooks/signature";

export type Behaviour = { kind: "ok" } | { kind: "status"; status: number; body?: string } | { kind: "redirect"; location: string } | { kind: "hang" };

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; event: string; occurredAt: string; data: Record<string, unknown> };
  /** Did the signature verify with the secret the receiver holds, at the time it arrived? */
  verified: boolean;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The secret the receiver verifies with (the webhook's, as shown to its owner). */
  secret: string;
  /** What to answer next; a list is used up one entry per request, the last one repeats. */
  answer(...behaviours: Behaviour[]): void;
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(path = "/hooks/portico"): Promise<Receiver> {
  let behaviours: Behaviour[] = [{ kind: "ok" }];
  const received: Received[] = [];
  const hanging = new Set<ServerResponse>();
  const waiters: (() => void)[] = [];
  const receiver = {
    url: "",
    received,
    secret: "",
    answer(...next: Behaviour[]) {
      behaviours = next;
    },
    async waitFor(count: number, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`The receiver got ${received.length} request(s), expected ${count} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 100);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received.slice(0, count);
    },
    close: async () => undefined,
  } satisfies Receiver;

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const verified =
        request.method === "POST" &&
        request.url === path &&
        verifyWebhookSignature({ secret: receiver.secret, body, timestamp: request.headers["portico-timestamp"] as string, signature: request.headers["portico-signature"] as string });
      received.push({ headers: request.headers, body, json: JSON.parse(body), verified, at: Date.now() });
      waiters.splice(0).forEach((wake) => wake());
      const behaviour = behaviours.length > 1 ? behaviours.shift()! : behaviours[0];
      switch (behaviour.kind) {
        case "ok":
          response.writeHead(verified ? 200 : 401).end(verified ? "ok" : "bad signature");
          return;
        case "status":
          response.writeHead(behaviour.status, { "content-type": "text/plain" }).end(behaviour.body ?? "");
          return;
        case "redirect":
          response.writeHead(302, { location: behaviour.location }).end();
          return;
        case "hang":
          hanging.add(response);
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}${path}`;
  receiver.close = async () => {
    for (const response of hanging) response.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}
