// HTTP details of the gateway: which headers cross it (RFC 9110 §7.6.1), the
// lifecycle headers of deprecated versions, and problem+json answers.
import type { IncomingHttpHeaders, ServerResponse } from "node:http";

// Hop-by-hop: they describe one connection, never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate"]);

const NO_TOKENS: ReadonlySet<string> = new Set();

/** Headers named in Connection are hop-by-hop too. */
function connectionTokens(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): ReadonlySet<string> {
  const value = headers.connection;
  // Most requests carry no Connection header: no Set to build for them.
  if (value === undefined) return NO_TOKENS;
  const list = Array.isArray(value) ? value.join(",") : (value ?? "");
  return new Set(list.split(",").map((token) => token.trim().toLowerCase()).filter(Boolean));
}

/** End-to-end request headers for the upstream, minus what must not cross. */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, drop: ReadonlySet<string>): Record<string, string | string[]> {
  const named = connectionTokens(incoming);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    // Expect: 100-continue is answered by Node's server on this hop; forwarding it makes undici refuse the request.
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || drop.has(name) || name === "host" || name === "expect") continue;
    out[name] = value;
  }
  return out;
}

/** End-to-end response headers for the client. */
export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const named = connectionTokens(upstream);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

export interface LifecycleFacts {
  state: string;
  deprecatedAt: Date | null;
  sunsetAt: Date | null;
  /** Path of the successor version on this gateway, when there is one. */
  successorPath: string | null;
}

/**
 * Deprecation (RFC 9745: a structured-field date, "@<unix seconds>"), Sunset
 * (RFC 8594: an HTTP-date) and Link rel="successor-version" (RFC 5829).
 */
export function lifecycleHeaders(facts: LifecycleFacts): Record<string, string> {
  const headers: Record<string, string> = {};
  if (facts.state === "DEPRECATED") {
    headers.deprecation = facts.deprecatedAt ? `@${Math.floor(facts.deprecatedAt.getTime() / 1000)}` : "?1";
    if (facts.sunsetAt) headers.sunset = facts.sunsetAt.toUTCString();
  }
  if (facts.successorPath && facts.state !== "PUBLISHED") headers.link = `<${facts.successorPath}>; rel="successor-version"`;
  return headers;
}

export interface Problem {
  status: number;
  code: string;
  title: string;
  detail: string;
  [extension: string]: unknown;
}

/** An RFC 9457 answer, with the same problem type URIs as Portico's REST API. */
export function sendProblem(res: ServerResponse, problem: Problem, headers: Record<string, string> = {}): number {
  if (res.headersSent) {
    res.destroy();
    return problem.status;
  }
  const { code, ...rest } = problem;
  const body = JSON.stringify({ type: `https://portico.dev/problems/${code}`, ...rest });
  res.writeHead(problem.status, { ...headers, "content-type": "application/problem+json", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(body);
  return problem.status;
}
