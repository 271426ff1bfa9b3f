// The HTTP half of try-it: a request of the docs page, from Portico's own
// origin, forwarded to the gateway with a try-it token instead of the
// browser's credentials, and the gateway's answer streamed back. What the
// browser sends Portico (its session cookie above all) stays here; what the
// upstream answers must not act on Portico's origin (cookies, HSTS, site data,
// or a page rendered with the viewer's session).
import { Readable, Transform } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { Agent, errors, request as undiciRequest } from "undici";
import { appUrl } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { TRY_IT_HEADER } from "@/lib/gateway/try-it-token";
import { PROBLEM_CONTENT_TYPE } from "@/lib/http/problem";

export const APPLICATION_HEADER = "x-portico-application";

// Hop-by-hop (RFC 9110 §7.6.1): they describe one connection, never forwarded.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate"]);
// The browser's hop to Portico: its cookies and where it came from are Portico's business alone.
// `expect` is dropped as undici refuses it; forwarding headers are not the browser's to choose.
const NOT_TO_GATEWAY = new Set(["cookie", "host", "origin", "referer", "expect", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", APPLICATION_HEADER, TRY_IT_HEADER]);
// Headers that would act on Portico's origin rather than describe the upstream's answer.
const NOT_TO_BROWSER = new Set(["set-cookie", "set-cookie2", "strict-transport-security", "clear-site-data", "alt-svc", "public-key-pins", "public-key-pins-report-only", "content-security-policy", "content-security-policy-report-only", "cache-control", "expires", "pragma"]);

// The gateway gives up on an upstream after its own timeout (30 s by default) and answers 504; this is only a backstop.
const agent = new Agent({ headersTimeout: 120_000, bodyTimeout: 120_000, connect: { timeout: 10_000 }, keepAliveTimeout: 10_000 });

class BodyTooLarge extends Error {}

function connectionTokens(value: string | string[] | null | undefined): Set<string> {
  const list = Array.isArray(value) ? value.join(",") : (value ?? "");
  return new Set(list.split(",").map((token) => token.trim().toLowerCase()).filter(Boolean));
}

function gatewayRequestHeaders(incoming: Headers): Record<string, string> {
  const named = connectionTokens(incoming.get("connection"));
  const out: Record<string, string> = {};
  incoming.forEach((value, name) => {
    if (HOP_BY_HOP.has(name) || named.has(name) || NOT_TO_GATEWAY.has(name) || name.startsWith("sec-fetch-")) return;
    out[name] = value;
  });
  return out;
}

function browserResponseHeaders(upstream: Record<string, string | string[] | undefined>): Headers {
  const named = connectionTokens(upstream.connection);
  const headers = new Headers();
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || NOT_TO_BROWSER.has(name)) continue;
    // Basic or Negotiate here would make the browser ask for a password on Portico's origin.
    const outName = name === "www-authenticate" ? "x-upstream-www-authenticate" : name;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(outName, item);
  }
  // Should the answer ever be opened as a page, it runs in a sandbox without Portico's origin.
  headers.set("content-security-policy", "sandbox; default-src 'none'");
  headers.set("x-content-type-options", "nosniff");
  // The answer was made for one person's application: no cache may hand it to another.
  headers.set("cache-control", "private, no-store");
  return headers;
}

/** Counts the body as it streams and fails past the limit, so a huge chunked upload is cut off early. */
function limited(body: ReadableStream<Uint8Array>, limit: number): Readable {
  let seen = 0;
  const source = Readable.fromWeb(body as unknown as NodeReadableStream<Uint8Array>);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(new BodyTooLarge());
      else callback(null, chunk);
    },
  });
  source.on("error", (error) => counter.destroy(error));
  return source.pipe(counter);
}

const tooLarge = (limit: number) => new AppError("payload-too-large", `Request bodies may be at most ${limit} bytes.`);

export function problem(status: number, code: string, title: string, detail: string, requestId: string): Response {
  return new Response(JSON.stringify({ type: `https://portico.dev/problems/${code}`, title, status, detail, requestId }), {
    status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, "cache-control": "no-store", "x-request-id": requestId },
  });
}

/**
 * Same-origin requests only (CSRF): an Origin equal to Portico's, or, where
 * browsers send no Origin (same-origin GETs), Sec-Fetch-Site: same-origin.
 * Navigations are refused too: try-it answers are for the docs page's
 * script, never for a browser tab on Portico's origin.
 */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  const allowed = new Set([new URL(request.url).origin, new URL(appUrl()).origin]);
  const sameOrigin = origin ? allowed.has(origin) : request.headers.get("sec-fetch-site") === "same-origin";
  if (!sameOrigin || request.headers.get("sec-fetch-mode") === "navigate") {
    throw new AppError("forbidden", "Cross-site request refused: try-it works from Portico's docs pages only.", { code: "cross-site" });
  }
}

/** Sends the request on to `target` on the gateway and streams its answer back, status, headers and body. */
export async function forwardToGateway(request: Request, options: { target: string; token: string | null; requestId: string; maxBodyBytes: number }): Promise<Response> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > options.maxBodyBytes) throw tooLarge(options.maxBodyBytes);
  const headers = gatewayRequestHeaders(request.headers);
  if (options.token) headers[TRY_IT_HEADER] = options.token;
  headers["x-request-id"] = options.requestId;
  const method = request.method.toUpperCase();
  const body = request.body && method !== "GET" && method !== "HEAD" ? limited(request.body, options.maxBodyBytes) : null;
  let answer: Awaited<ReturnType<typeof undiciRequest>>;
  try {
    answer = await undiciRequest(options.target, { dispatcher: agent, method: method as never, headers, body, signal: request.signal });
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (error instanceof BodyTooLarge || cause instanceof BodyTooLarge) throw tooLarge(options.maxBodyBytes);
    if (error instanceof errors.HeadersTimeoutError || error instanceof errors.ConnectTimeoutError) {
      return problem(504, "gateway-timeout", "Gateway Timeout", "The gateway did not answer in time.", options.requestId);
    }
    if (request.signal.aborted) return new Response(null, { status: 499 });
    console.error("[portico] try-it could not reach the gateway", { requestId: options.requestId, error });
    return problem(502, "gateway-unavailable", "Bad Gateway", `Portico could not reach the gateway at ${new URL(options.target).origin}: is it running?`, options.requestId);
  }
  const status = answer.statusCode >= 200 && answer.statusCode <= 599 ? answer.statusCode : 502;
  const responseHeaders = browserResponseHeaders(answer.headers);
  if (method === "HEAD" || status === 204 || status === 205 || status === 304) {
    answer.body.resume();
    return new Response(null, { status, headers: responseHeaders });
  }
  return new Response(Readable.toWeb(answer.body) as unknown as ReadableStream<Uint8Array>, { status, headers: responseHeaders });
}
