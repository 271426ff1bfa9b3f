// Forwarding to the upstream with undici: bodies stream both ways (never
// buffered), redirects come back to the client unfollowed, and failures are
// sorted into what the client is told: 504 for a timeout, 502 otherwise.
import { Transform, type Readable } from "node:stream";
import { Agent, errors, request } from "undici";

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is over ${limit} bytes.`);
  }
}

export type UpstreamFailure = "timeout" | "refused" | "reset" | "other";

export function createUpstreamAgent(options: { timeoutMs: number; connections?: number }) {
  return new Agent({
    connections: options.connections ?? 256,
    keepAliveTimeout: 10_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: { timeout: Math.min(options.timeoutMs, 10_000) },
  });
}

/** Counts the request body as it streams and fails it past the limit, so a huge chunked upload is cut off early. */
export function limitBody(source: Readable, limit: number, onBytes: (bytes: number) => void): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      onBytes(seen);
      if (seen > limit) callback(new BodyTooLarge(limit));
      else callback(null, chunk);
    },
  });
  source.on("error", (error) => counter.destroy(error));
  return source.pipe(counter);
}

export async function forward(agent: Agent, url: string, init: { method: string; headers: Record<string, string | string[]>; body: Readable | null }) {
  return request(url, { dispatcher: agent, method: init.method as never, headers: init.headers, body: init.body ?? undefined });
}

export function classifyUpstreamError(error: unknown): UpstreamFailure {
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError || error instanceof errors.ConnectTimeoutError) return "timeout";
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH") return "refused";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE") return "reset";
  return "other";
}
