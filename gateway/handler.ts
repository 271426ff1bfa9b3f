// One consumer request through the gateway:
//   {gateway}/{api-slug}/{version-selector}/{path}
// route → lifecycle → key → subscription → limits → cache → upstream, then
// one usage row. Everything it decides comes from the in-memory config.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Agent } from "undici";
import { isKeyless } from "@/lib/apis/keyless";
import { hashSecret } from "@/lib/crypto";
import { hasValidChecksum } from "@/lib/keys/format";
import { selectVersion } from "@/lib/versions/selector";
import { verifyTryItToken, TRY_IT_HEADER } from "@/lib/gateway/try-it-token";
import type { ConfigStore, GatewayApi, GatewayVersion } from "./config";
import type { Limiter, LimitOutcome, PlanLimits } from "./limits";
import { cacheKey, isCacheable, mayServeFromCache, ttlFor, type ResponseCache } from "./cache";
import type { UsageRecorder } from "./usage";
import type { Metrics } from "./metrics";
import { appendClientResponseHeaders, sendProblem, successorLink, upstreamRequestHeaders } from "./http";
import { BodyTooLarge, classifyUpstreamError, forward, limitBody, type UpstreamResponse } from "./proxy";

export interface GatewayOptions {
  id: string;
  config: ConfigStore;
  agent: Agent;
  limiter: Limiter | null;
  cache: ResponseCache | null;
  usage: UsageRecorder | null;
  metrics: Metrics;
  maxBodyBytes: number;
  keylessLimits: PlanLimits;
  tryItSecret: string | null;
}

const NO_LIMITS: PlanLimits = { rateLimitPerMinute: null, monthlyQuota: null };
const KEY_QUERY_PARAMETERS = ["key", "api_key", "apikey", "api-key", "access_token"];
const REQUEST_ID = /^[\w.:-]{1,100}$/;

interface Caller {
  applicationId: string | null;
  teamId: string | null;
  /** What limits are counted against: the subscription, or the client address for keyless calls. */
  subject: string;
  limits: PlanLimits;
  /** The incoming headers that carried a Portico credential: never forwarded. */
  credentialHeaders: ReadonlySet<string>;
}

type Refusal = { status: number; code: string; title: string; detail: string; headers?: Record<string, string> };

// The credential headers a request may carry, by which of the two it sent:
// built once, as every request needs one of them.
const CREDENTIAL_HEADERS = [[], ["x-api-key"], ["authorization"], ["x-api-key", "authorization"]].map((names) => new Set([TRY_IT_HEADER, ...names]));

function presentedKey(req: IncomingMessage): { key: string | null; headers: ReadonlySet<string> } {
  const apiKeyHeader = req.headers["x-api-key"];
  const authorization = req.headers.authorization;
  const bearer = authorization && /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  let key: string | null = null;
  let sent = 0;
  if (typeof apiKeyHeader === "string" && apiKeyHeader) {
    key = apiKeyHeader.trim();
    sent |= 1;
  }
  // A Bearer that is a Portico key is ours; any other Authorization is the upstream's business.
  if (bearer && bearer.startsWith("ptk_")) {
    key ??= bearer;
    sent |= 2;
  }
  return { key, headers: CREDENTIAL_HEADERS[sent] };
}

/** Who is calling, or why not. */
function authenticate(options: GatewayOptions, req: IncomingMessage, api: GatewayApi, clientAddress: string): Caller | Refusal {
  const { key, headers } = presentedKey(req);
  const tryIt = req.headers[TRY_IT_HEADER];
  let applicationId: string | null = null;
  if (typeof tryIt === "string" && options.tryItSecret) {
    const token = verifyTryItToken(tryIt, options.tryItSecret);
    if (!token || token.apiId !== api.id) return { status: 401, code: "invalid-try-it-token", title: "Unauthorized", detail: "The try-it session expired: reload the docs page." };
    if (token.viewerId !== undefined) {
      // A viewer trying a keyless API from the docs: limited per viewer, as a client address would be.
      if (!isKeyless(api)) return { status: 403, code: "not-subscribed", title: "Forbidden", detail: `${api.slug} needs an API key now: choose one of your applications under "Try it with".` };
      return { applicationId: null, teamId: null, subject: `viewer:${api.id}:${token.viewerId}`, limits: options.keylessLimits, credentialHeaders: headers };
    }
    applicationId = token.applicationId;
  } else if (key) {
    const found = hasValidChecksum(key) ? options.config.keyByHash(hashSecret(key)) : undefined;
    if (!found) return unauthorized("The API key is not valid: it is unknown or was revoked.");
    if (found.expiresAt && found.expiresAt.getTime() <= Date.now()) return unauthorized("The API key has expired.");
    applicationId = found.applicationId;
  } else if (isKeyless(api)) {
    return { applicationId: null, teamId: null, subject: `ip:${api.id}:${clientAddress}`, limits: options.keylessLimits, credentialHeaders: headers };
  } else {
    return unauthorized("This API needs an API key: send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`.");
  }
  const application = options.config.application(applicationId);
  if (!application || application.archived) return { status: 403, code: "application-archived", title: "Forbidden", detail: "The application of this key is archived." };
  const subscription = options.config.subscription(application.id, api.id);
  if (!subscription) {
    return { status: 403, code: "not-subscribed", title: "Forbidden", detail: `This key's application has no active subscription to ${api.slug}. Request access in the Portico catalog.` };
  }
  const plan = options.config.plan(subscription.planId);
  // The plan itself: the limiter keeps what it derives from it (its policy header) per plan object.
  const limits: PlanLimits = plan ?? NO_LIMITS;
  return { applicationId: application.id, teamId: application.teamId, subject: subscription.id, limits, credentialHeaders: headers };
}

function unauthorized(detail: string): Refusal {
  return { status: 401, code: "invalid-api-key", title: "Unauthorized", detail, headers: { "www-authenticate": 'Bearer realm="portico-gateway"' } };
}

function isRefusal(value: Caller | Refusal): value is Refusal {
  return "status" in value;
}

/** A flat name/value list as pairs, a header with several values as several pairs. */
function headerPairs(list: (string | string[])[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i] as string;
    const value = list[i + 1];
    if (Array.isArray(value)) for (const item of value) pairs.push([name, item]);
    else pairs.push([name, value]);
  }
  return pairs;
}

/** The parts of a gateway path, /{api}/{selector}/{rest}, found without a regular expression or an array per request. */
function splitRoute(path: string): { slug: string; selector: string; rest: string } {
  let start = 0;
  while (path.charCodeAt(start) === 47 /* "/" */) start++;
  const slugEnd = path.indexOf("/", start);
  if (slugEnd === -1) return { slug: path.slice(start), selector: "", rest: "" };
  const selectorEnd = path.indexOf("/", slugEnd + 1);
  if (selectorEnd === -1) return { slug: path.slice(start, slugEnd), selector: path.slice(slugEnd + 1), rest: "" };
  return { slug: path.slice(start, slugEnd), selector: path.slice(slugEnd + 1, selectorEnd), rest: path.slice(selectorEnd + 1) };
}

/** A path segment decoded, or null when its percent-encoding is malformed. */
function decodeSegment(segment: string): string | null {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

// A "." or ".." segment (RFC 3986 §5.2.4), encoded or not, between slashes or
// backslashes (which WHATWG URLs, and many upstream servers, read as slashes).
const DOT_SEGMENT = /(?:^|[/\\])(?:\.|%2e){1,2}(?:[/\\]|$)/i;
// The same with encoded slashes and backslashes (%2F, %5C) counted as
// separators too. The gateway passes those as written, but an upstream that
// decodes them before resolving the path would read "..%2F.." as two ".."
// segments and climb out of the version: such paths are refused.
const DOT_SEGMENT_ANY_SEPARATOR = /(?:^|[/\\]|%2f|%5c)(?:\.|%2e){1,2}(?:[/\\]|%2f|%5c|$)/i;
// A base only for resolving a path below a version; never contacted.
const VERSION_ROOT = "http://version.invalid/v/";

/**
 * The path below the version with its dot segments resolved, by the WHATWG
 * URL parser, or null when it climbs above the version or puts a dot
 * segment against an encoded separator: a consumer never reaches upstream
 * paths outside the version's base path. Paths without dot segments (nearly
 * all) are passed as written, with no parse.
 */
export function resolveRest(rest: string): string | null {
  if (!DOT_SEGMENT_ANY_SEPARATOR.test(rest)) return rest;
  if (!DOT_SEGMENT.test(rest)) return null;
  // "./" first: a path such as "a:b" is a path here, not a URL of scheme "a".
  const { pathname } = new URL(`./${rest}`, VERSION_ROOT);
  if (!pathname.startsWith("/v/")) return null;
  const resolved = pathname.slice("/v/".length);
  return DOT_SEGMENT_ANY_SEPARATOR.test(resolved) ? null : resolved;
}

// The names KEY_QUERY_PARAMETERS share, or an escape that could spell them: a query without any needs no parsing.
const MAY_NAME_A_KEY = /key|token|%/i;
const STATUS_CLASSES = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx"];

function bodyTooLarge(limit: number): Refusal {
  return { status: 413, code: "payload-too-large", title: "Content Too Large", detail: `Request bodies may be at most ${limit} bytes.` };
}

/** Carries the request id of a request the gateway failed on, for its log line. */
export class GatewayFailure extends Error {
  constructor(
    readonly requestId: string,
    cause: unknown,
  ) {
    super(`request ${requestId}: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`, { cause });
  }
}

/**
 * What one request has gathered by the time it is answered, and the two ways
 * it ends: its usage row and metrics (finish), or a problem answer first
 * (refuse). A class, not closures made per request: tsx's keepNames wraps
 * every named closure in a defineProperty call, which showed in the
 * gateway's profile.
 */
class RequestRecord {
  api: GatewayApi | undefined = undefined;
  version: GatewayVersion | null = null;
  caller: Caller | null = null;
  rest = "";
  bytesIn = 0;
  bytesOut = 0;
  cacheResult: "HIT" | "MISS" | null = null;
  /**
   * The gateway's own response headers as a flat name/value list, grown as
   * the request passes each step: what every answer from here on carries.
   */
  readonly edge: string[];

  constructor(
    private readonly options: GatewayOptions,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly requestId: string,
    private readonly started: number,
  ) {
    this.edge = ["x-request-id", requestId];
  }

  finish(status: number): void {
    const { options, api } = this;
    const latencyMs = performance.now() - this.started;
    const label = api?.slug ?? "unknown";
    options.metrics.requests.inc({ api: label, status_class: STATUS_CLASSES[Math.floor(status / 100)] ?? "5xx" });
    options.metrics.latency.observe({ api: label }, latencyMs / 1000);
    if (api && options.usage) {
      options.usage.record({
        at: Date.now(),
        apiId: api.id,
        versionId: this.version?.id ?? null,
        applicationId: this.caller?.applicationId ?? null,
        teamId: this.caller?.teamId ?? null,
        method: this.req.method ?? "GET",
        path: `/${this.rest}`.slice(0, 500),
        status,
        latencyMs,
        bytesIn: this.bytesIn,
        bytesOut: this.bytesOut,
        cache: this.cacheResult,
        requestId: this.requestId,
        gateway: options.id,
      });
    }
  }

  refuse(refusal: Refusal): void {
    const headers = refusal.headers ? [...this.edge, ...Object.entries(refusal.headers).flat()] : this.edge;
    this.finish(sendProblem(this.res, { status: refusal.status, code: refusal.code, title: refusal.title, detail: refusal.detail, requestId: this.requestId }, headers));
  }
}

export function createHandler(options: GatewayOptions) {
  const { config, metrics } = options;

  /**
   * One request. A failure of the gateway itself is still answered with the
   * request's id (a 500, or a cut connection once the answer has begun), so
   * the consumer's report can be matched to the log line, then rethrown.
   */
  return function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const incomingId = req.headers["x-request-id"];
    const requestId = typeof incomingId === "string" && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    return proxy(req, res, new RequestRecord(options, req, res, requestId, started)).catch((error: unknown) => {
      sendProblem(res, { status: 500, code: "internal", title: "Internal Server Error", detail: "The gateway failed on this request.", requestId }, ["x-request-id", requestId]);
      throw new GatewayFailure(requestId, error);
    });
  };

  async function proxy(req: IncomingMessage, res: ServerResponse, record: RequestRecord): Promise<void> {
    const { edge } = record;
    const rawUrl = req.url ?? "/";
    const queryStart = rawUrl.indexOf("?");
    const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    const query = queryStart === -1 ? "" : rawUrl.slice(queryStart);
    const route = splitRoute(path);
    record.rest = route.rest;

    if (query.length > 1 && MAY_NAME_A_KEY.test(query)) {
      const params = new URLSearchParams(query);
      // Refused before anything else: a key in a URL ends up in logs and browser history.
      if (KEY_QUERY_PARAMETERS.some((name) => params.has(name))) {
        return record.refuse({ status: 400, code: "key-in-query", title: "Bad Request", detail: "API keys are never accepted in the query string. Send the key as `Authorization: Bearer <key>` or `X-API-Key: <key>`, and revoke the one you sent." });
      }
    }
    const slug = decodeSegment(route.slug);
    const selector = decodeSegment(route.selector);
    const api = slug === null ? undefined : config.apiBySlug(slug);
    if (!api || !selector) {
      return record.refuse({ status: 404, code: "not-found", title: "Not Found", detail: "No API at this path. Gateway paths are /{api}/{version or vN}/{path}." });
    }
    record.api = api;
    const version = selectVersion(api.versions, selector);
    if (!version) return record.refuse({ status: 404, code: "version-not-found", title: "Not Found", detail: `${api.slug} has no released version "${route.selector}".` });
    record.version = version;
    for (const header of version.lifecycleHeaders) edge.push(header);
    if (version.replacement && version.state !== "PUBLISHED") edge.push("link", successorLink(`/${api.slug}/${version.replacement}/${route.rest}`));
    if (version.state === "RETIRED") {
      return record.refuse({ status: 410, code: "version-retired", title: "Gone", detail: `${api.slug} ${version.version} is retired.${version.replacement ? ` Use ${version.replacement} instead.` : ""}` });
    }
    if (!version.upstream) {
      return record.refuse({ status: 502, code: "no-upstream", title: "Bad Gateway", detail: `${api.slug} ${version.version} has no ${version.upstreamUrl ? "usable (http or https) " : ""}upstream URL configured.` });
    }
    const rest = resolveRest(route.rest);
    if (rest === null) {
      return record.refuse({ status: 400, code: "path-outside-version", title: "Bad Request", detail: 'The path climbs above the version with ".." segments, or puts a dot segment against an encoded slash (%2F or %5C): gateway paths stay below /{api}/{version}/.' });
    }

    const authenticated = authenticate(options, req, api, req.socket.remoteAddress ?? "unknown");
    if (isRefusal(authenticated)) return record.refuse(authenticated);
    const caller = authenticated;
    record.caller = caller;

    // Before the limits: a refused oversized request should not use up the plan's quota.
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > options.maxBodyBytes) {
      return record.refuse(bodyTooLarge(options.maxBodyBytes));
    }
    if (options.limiter) {
      const counted = options.limiter.consume(caller.subject, caller.limits);
      const outcome: LimitOutcome = counted instanceof Promise ? await counted : counted;
      for (const name in outcome.headers) edge.push(name, outcome.headers[name]);
      if (!outcome.allowed) {
        metrics.limited.inc({ window: outcome.exceeded ?? "minute" });
        return record.refuse({
          status: 429,
          code: "rate-limited",
          title: "Too Many Requests",
          detail: outcome.exceeded === "month" ? "The monthly quota of this plan is used up." : "Too many requests for this plan: slow down.",
          headers: { "retry-after": String(outcome.retryAfterSeconds ?? 60) },
        });
      }
    }

    const method = req.method ?? "GET";
    const cacheable = options.cache && api.cacheEnabled && (method === "GET" || method === "HEAD") && mayServeFromCache(req.headers);
    const key = cacheable
      ? cacheKey({ versionId: version.id, consumer: caller.applicationId ?? "anonymous", method, pathAndQuery: `/${rest}${query}`, accept: req.headers.accept ?? null, acceptEncoding: req.headers["accept-encoding"] ?? null })
      : null;
    if (key && options.cache) {
      const hit = await options.cache.get(key);
      metrics.cache.inc({ result: hit ? "hit" : "miss" });
      if (hit) {
        record.cacheResult = "HIT";
        const age = Math.max(0, Math.floor((Date.now() - hit.storedAt) / 1000));
        res.writeHead(hit.status, [...hit.headers.flat(), ...edge, "x-cache", "HIT", "age", String(age)]);
        record.bytesOut = hit.body.length;
        res.end(method === "HEAD" ? undefined : hit.body);
        return record.finish(hit.status);
      }
      record.cacheResult = "MISS";
    }

    const headers = upstreamRequestHeaders(req.headers, caller.credentialHeaders);
    const forwardedFor = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = `${forwardedFor ? `${forwardedFor}, ` : ""}${req.socket.remoteAddress ?? ""}`;
    headers["x-forwarded-proto"] = "http";
    if (req.headers.host) headers["x-forwarded-host"] = req.headers.host;
    headers["x-request-id"] = record.requestId;
    if (caller.applicationId) headers["x-portico-application-id"] = caller.applicationId;
    if (caller.teamId) headers["x-portico-team-id"] = caller.teamId;
    headers["x-portico-api"] = api.slug;
    headers["x-portico-version"] = version.version;

    const hasBody = method !== "GET" && method !== "HEAD" && (declared > 0 || req.headers["transfer-encoding"] !== undefined);
    const body = hasBody ? limitBody(req, options.maxBodyBytes, (seen) => (record.bytesIn = seen)) : null;
    let upstream: UpstreamResponse;
    try {
      upstream = await forward(options.agent, version.upstream, `/${rest}${query}`, { method, headers, body });
    } catch (error) {
      if (error instanceof BodyTooLarge || (error as { cause?: unknown }).cause instanceof BodyTooLarge) {
        return record.refuse(bodyTooLarge(options.maxBodyBytes));
      }
      const kind = classifyUpstreamError(error);
      metrics.upstreamErrors.inc({ kind });
      return record.refuse(
        kind === "timeout"
          ? { status: 504, code: "upstream-timeout", title: "Gateway Timeout", detail: `${api.slug} did not answer in time.` }
          : { status: 502, code: "upstream-unavailable", title: "Bad Gateway", detail: `${api.slug} could not be reached (${kind === "refused" ? "connection refused" : kind === "reset" ? "connection reset" : "upstream error"}).` },
      );
    }

    const outgoing: (string | string[])[] = [];
    appendClientResponseHeaders(outgoing, upstream.headers);
    // Judged on what went upstream: the consumer's key is gone by then, an upstream credential is not.
    const store = key && options.cache && isCacheable({ method, headers }, { status: upstream.statusCode, headers: upstream.headers });
    const storedHeaders = store ? headerPairs(outgoing) : null;
    for (const header of edge) outgoing.push(header);
    if (record.cacheResult) outgoing.push("x-cache", record.cacheResult);
    res.writeHead(upstream.statusCode, outgoing);
    const chunks: Buffer[] | undefined = store ? [] : undefined;
    try {
      await upstream.body.relay(res, chunks);
    } catch (error) {
      // The client went away or the upstream broke mid-body: nothing more to send.
      metrics.upstreamErrors.inc({ kind: res.writableFinished ? "other" : classifyUpstreamError(error) });
      res.destroy();
      record.bytesOut = upstream.body.bytesRelayed;
      return record.finish(upstream.statusCode);
    }
    record.bytesOut = upstream.body.bytesRelayed;
    if (storedHeaders && chunks && key && options.cache) {
      void options.cache.set(key, { status: upstream.statusCode, headers: storedHeaders, body: Buffer.concat(chunks), storedAt: Date.now() }, ttlFor(api.cacheTtlSeconds, upstream.headers));
    }
    return record.finish(upstream.statusCode);
  }
}
