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
  // What nearly every upstream sends: no header is named in it.
  if (value === "keep-alive" || value === "close") return NO_TOKENS;
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

export interface LifecycleFacts {
  state: string;
  deprecatedAt: Date | null;
  sunsetAt: Date | null;
}

/**
 * Deprecation (RFC 9745: a structured-field date, "@<unix seconds>") and
 * Sunset (RFC 8594: an HTTP-date) of a version, as a flat name/value list.
 * They change only with the version, so the config computes them once when
 * it loads it.
 */
export function versionLifecycleHeaders(facts: LifecycleFacts): string[] {
  if (facts.state !== "DEPRECATED") return [];
  const headers = ["deprecation", facts.deprecatedAt ? `@${Math.floor(facts.deprecatedAt.getTime() / 1000)}` : "?1"];
  if (facts.sunsetAt) headers.push("sunset", facts.sunsetAt.toUTCString());
  return headers;
}

/** Link rel="successor-version" (RFC 5829): the same path on the version that replaces this one. */
export function successorLink(successorPath: string): string {
  return `<${successorPath}>; rel="successor-version"`;
}

// Set by the gateway on its answers: an upstream's own value is not passed on
// beside it. (Link is not among them: an upstream's links, pagination say,
// go out next to the gateway's successor-version link.)
const GATEWAY_OWNED = new Set(["x-request-id", "deprecation", "sunset", "ratelimit", "ratelimit-policy", "x-cache"]);

/** End-to-end upstream response headers for the client, appended to a flat name/value list. */
export function appendClientResponseHeaders(out: (string | string[])[], upstream: Record<string, string | string[] | undefined>): void {
  const named = connectionTokens(upstream);
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || GATEWAY_OWNED.has(name)) continue;
    out.push(name, value);
  }
}

export interface Problem {
  status: number;
  code: string;
  title: string;
  detail: string;
  [extension: string]: unknown;
}

/** An RFC 9457 answer, with the same problem type URIs as Portico's REST API; `headers` is a flat name/value list. */
export function sendProblem(res: ServerResponse, problem: Problem, headers: string[] = []): number {
  if (res.headersSent) {
    res.destroy();
    return problem.status;
  }
  const { code, ...rest } = problem;
  const body = JSON.stringify({ type: `https://portico.dev/problems/${code}`, ...rest });
  const list = [...headers];
  list.push("content-type", "application/problem+json", "content-length", String(Buffer.byteLength(body)), "cache-control", "no-store");
  res.writeHead(problem.status, list);
  res.end(body);
  return problem.status;
}
