// Forwarding to the upstream with undici: bodies stream both ways (never
// buffered), redirects come back to the client unfollowed, and failures are
// sorted into what the client is told: 504 for a timeout, 502 otherwise.
import { Transform, type Readable, type Writable } from "node:stream";
import { Agent, errors, util } from "undici";

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is over ${limit} bytes.`);
  }
}

export type UpstreamFailure = "timeout" | "refused" | "reset" | "other";

/** Where a version's requests go: undici's origin, and the path every request path is appended to. */
export interface UpstreamTarget {
  origin: string;
  /** The upstream URL's path without its trailing slashes ("" for the root). */
  basePath: string;
}

/** A version's upstream URL taken apart, or null if it is not an http(s) URL (its query and fragment are not used). */
export function upstreamTarget(url: string): UpstreamTarget | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  return { origin: parsed.origin, basePath: parsed.pathname.replace(/\/+$/, "") };
}

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

type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface UpstreamResponse {
  statusCode: number;
  headers: ResponseHeaders;
  body: UpstreamBody;
}

/** The upstream's response body, from its head on. */
export interface UpstreamBody {
  /**
   * Streams the body into `res` (whose head the caller has written); settles
   * when the client has it all, rejects when the upstream fails mid-body or
   * the client goes away first. With `keep`, every chunk is also pushed
   * there (for the cache).
   */
  relay(res: Writable, keep?: Buffer[]): Promise<void>;
  /** Body bytes passed to the client so far. */
  readonly bytesRelayed: number;
}

function noop() {}

// Past this many bytes of body before relay() is called, reading pauses.
const EARLY_LIMIT = 65_536;

/**
 * One request to the upstream, driven through undici's dispatcher with a
 * handler of our own rather than undici's request(), which wraps every
 * response body in a Readable stream inside an async-context scope: with the
 * pipe into the client that was about a third of the gateway's CPU per
 * proxied 1 KB request (bench/gateway.ts; a bare proxy took 60-70 µs a
 * request this way against 90-110 µs through request() and a pipe). The same
 * dispatcher, so the same timeouts, connection reuse and errors; redirects
 * are not followed.
 */
class Exchange implements UpstreamBody {
  private head: { resolve: (response: UpstreamResponse) => void; reject: (error: Error) => void } | null;
  private abortRequest: ((reason?: Error) => void) | null = null;
  private resumeReading: (() => void) | null = null;
  /** Chunks that arrived before relay() was called (the rest of the packet that carried the head). */
  private early: Buffer[] | null = [];
  private earlyBytes = 0;
  private sink: Writable | null = null;
  private keep: Buffer[] | undefined;
  bytesRelayed = 0;
  private complete = false;
  private failure: Error | null = null;
  private bodyResult: { resolve: () => void; reject: (error: Error) => void } | null = null;

  constructor(
    private readonly requestBody: Readable | null,
    resolve: (response: UpstreamResponse) => void,
    reject: (error: Error) => void,
  ) {
    this.head = { resolve, reject };
  }

  onConnect(abort: (reason?: Error) => void) {
    this.abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx (100 Continue, 103 Early Hints) are not passed on; the final answer follows.
    if (statusCode < 200) return true;
    this.resumeReading = resume;
    const head = this.head;
    this.head = null;
    head?.resolve({ statusCode, headers: util.parseHeaders(rawHeaders) as ResponseHeaders, body: this });
    return true;
  }

  onData(chunk: Buffer): boolean {
    const sink = this.sink;
    if (!sink) {
      this.early!.push(chunk);
      this.earlyBytes += chunk.length;
      return this.earlyBytes < EARLY_LIMIT;
    }
    this.bytesRelayed += chunk.length;
    this.keep?.push(chunk);
    const more = sink.write(chunk);
    // undici stops reading when this answers false, until resumed.
    if (!more) sink.once("drain", this.resumeReading!);
    return more;
  }

  onComplete() {
    this.complete = true;
    this.sink?.end();
  }

  onError(error: Error) {
    if (this.requestBody && !this.requestBody.destroyed) {
      this.requestBody.on("error", noop);
      this.requestBody.destroy(error);
    }
    if (this.head) {
      const head = this.head;
      this.head = null;
      head.reject(error);
      return;
    }
    this.failure ??= error;
    this.settleBody(error);
  }

  private settleBody(error: Error | null) {
    const result = this.bodyResult;
    if (!result) return;
    this.bodyResult = null;
    if (error) result.reject(error);
    else result.resolve();
  }

  // No named closures per request here: tsx's keepNames wraps each in a
  // defineProperty call, which showed in the profile.
  relay(res: Writable, keep?: Buffer[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.bodyResult = { resolve, reject };
      // Kept after settling: a late error with no listener would crash the process.
      res.on("error", (error: Error) => this.settleBody(error));
      // A response emits close after finish, or alone when the client went
      // away first: one listener tells which.
      res.once("close", () => {
        if (!this.bodyResult) return;
        if (res.writableFinished) return this.settleBody(null);
        const gone = Object.assign(new Error("The client closed the connection before the response was sent."), { code: "ERR_STREAM_PREMATURE_CLOSE" });
        // Ends the upstream request too, so its connection is not reused half-read.
        if (!this.complete) this.abortRequest?.(gone);
        this.settleBody(gone);
      });
      if (this.failure) return this.settleBody(this.failure);
      this.sink = res;
      this.keep = keep;
      const early = this.early ?? [];
      const paused = this.earlyBytes >= EARLY_LIMIT;
      this.early = null;
      for (const chunk of early) {
        this.bytesRelayed += chunk.length;
        keep?.push(chunk);
        res.write(chunk);
      }
      if (this.complete) res.end();
      else if (paused) this.resumeReading?.();
    });
  }
}

/**
 * Sends the request to `path` (already resolved and starting with "/") on
 * the target's origin; answers when the upstream's head arrives, fails with
 * undici's errors (or the request body's) before that.
 */
export function forward(agent: Agent, target: UpstreamTarget, path: string, init: { method: string; headers: Record<string, string | string[]>; body: Readable | null }): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    const exchange = new Exchange(init.body, resolve, reject);
    agent.dispatch({ origin: target.origin, path: target.basePath + path, method: init.method as never, headers: init.headers, body: init.body ?? undefined }, exchange);
  });
}

export function classifyUpstreamError(error: unknown): UpstreamFailure {
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError || error instanceof errors.ConnectTimeoutError) return "timeout";
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH") return "refused";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE") return "reset";
  return "other";
}
