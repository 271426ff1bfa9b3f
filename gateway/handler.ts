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
import { BodyTooLarge, classifyUpstreamError, forward, limitBody } from "./proxy";

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

function upstreamUrl(base: string, rest: string, query: string): string {
  return `${base.replace(/\/+$/, "")}/${rest}${query}`;
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

export function createHandler(options: GatewayOptions) {
  const { config, metrics } = options;

  /**
   * One request. A failure of the gateway itself is still answered with the
   * request's id (a 500, or a cut connection once the answer has begun), so
   * the consumer's report can be matched to the log line, then rethrown.
   */
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const incomingId = req.headers["x-request-id"];
    const requestId = typeof incomingId === "string" && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    try {
      await proxy(req, res, requestId, started);
    } catch (error) {
      sendProblem(res, { status: 500, code: "internal", title: "Internal Server Error", detail: "The gateway failed on this request.", requestId }, ["x-request-id", requestId]);
      throw new GatewayFailure(requestId, error);
    }
  };

  async function proxy(req: IncomingMessage, res: ServerResponse, requestId: string, started: number): Promise<void> {
    // The gateway's own response headers as a flat name/value list, grown as
    // the request passes each step: what every answer from here on carries.
    const edge: string[] = ["x-request-id", requestId];
    const rawUrl = req.url ?? "/";
    const queryStart = rawUrl.indexOf("?");
    const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    const query = queryStart === -1 ? "" : rawUrl.slice(queryStart);
    const [slug = "", selector = "", ...restSegments] = path.replace(/^\/+/, "").split("/");
    const rest = restSegments.join("/");
    let api: GatewayApi | undefined;
    let version: GatewayVersion | null = null;
    let caller: Caller | null = null;
    let bytesIn = 0;
    let bytesOut = 0;
    let cacheResult: "HIT" | "MISS" | null = null;

    const finish = (status: number) => {
      const latencyMs = performance.now() - started;
      const label = api?.slug ?? "unknown";
      metrics.requests.inc({ api: label, status_class: `${Math.floor(status / 100)}xx` });
      metrics.latency.observe({ api: label }, latencyMs / 1000);
      if (api && options.usage) {
        options.usage.record({
          at: Date.now(),
          apiId: api.id,
          versionId: version?.id ?? null,
          applicationId: caller?.applicationId ?? null,
          teamId: caller?.teamId ?? null,
          method: req.method ?? "GET",
          path: `/${rest}`.slice(0, 500),
          status,
          latencyMs,
          bytesIn,
          bytesOut,
          cache: cacheResult,
          requestId,
          gateway: options.id,
        });
      }
    };
    const refuse = (refusal: Refusal) => finish(sendProblem(res, { status: refusal.status, code: refusal.code, title: refusal.title, detail: refusal.detail, requestId }, refusal.headers ? [...edge, ...Object.entries(refusal.headers).flat()] : edge));

    const params = query.length > 1 ? new URLSearchParams(query) : null;
    if (params && KEY_QUERY_PARAMETERS.some((name) => params.has(name))) {
      // Refused before anything else: a key in a URL ends up in logs and browser history.
      return refuse({ status: 400, code: "key-in-query", title: "Bad Request", detail: "API keys are never accepted in the query string. Send the key as `Authorization: Bearer <key>` or `X-API-Key: <key>`, and revoke the one you sent." });
    }
    api = config.apiBySlug(decodeURIComponent(slug));
    if (!api || !selector) {
      api = undefined;
      return refuse({ status: 404, code: "not-found", title: "Not Found", detail: "No API at this path. Gateway paths are /{api}/{version or vN}/{path}." });
    }
    version = selectVersion(api.versions, decodeURIComponent(selector));
    if (!version) return refuse({ status: 404, code: "version-not-found", title: "Not Found", detail: `${api.slug} has no released version "${selector}".` });
    for (const header of version.lifecycleHeaders) edge.push(header);
    if (version.replacement && version.state !== "PUBLISHED") edge.push("link", successorLink(`/${api.slug}/${version.replacement}/${rest}`));
    if (version.state === "RETIRED") {
      return refuse({ status: 410, code: "version-retired", title: "Gone", detail: `${api.slug} ${version.version} is retired.${version.replacement ? ` Use ${version.replacement} instead.` : ""}` });
    }
    if (!version.upstreamUrl) return refuse({ status: 502, code: "no-upstream", title: "Bad Gateway", detail: `${api.slug} ${version.version} has no upstream URL configured.` });

    const authenticated = authenticate(options, req, api, req.socket.remoteAddress ?? "unknown");
    if (isRefusal(authenticated)) return refuse(authenticated);
    caller = authenticated;

    // Before the limits: a refused oversized request should not use up the plan's quota.
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > options.maxBodyBytes) {
      return refuse({ status: 413, code: "payload-too-large", title: "Content Too Large", detail: `Request bodies may be at most ${options.maxBodyBytes} bytes.` });
    }
    let limitOutcome: LimitOutcome | null = null;
    if (options.limiter) {
      const counted = options.limiter.consume(caller.subject, caller.limits);
      limitOutcome = counted instanceof Promise ? await counted : counted;
      for (const name in limitOutcome.headers) edge.push(name, limitOutcome.headers[name]);
      if (!limitOutcome.allowed) {
        metrics.limited.inc({ window: limitOutcome.exceeded ?? "minute" });
        return refuse({
          status: 429,
          code: "rate-limited",
          title: "Too Many Requests",
          detail: limitOutcome.exceeded === "month" ? "The monthly quota of this plan is used up." : "Too many requests for this plan: slow down.",
          headers: { "retry-after": String(limitOutcome.retryAfterSeconds ?? 60) },
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
        cacheResult = "HIT";
        const age = Math.max(0, Math.floor((Date.now() - hit.storedAt) / 1000));
        res.writeHead(hit.status, [...hit.headers.flat(), ...edge, "x-cache", "HIT", "age", String(age)]);
        bytesOut = hit.body.length;
        res.end(method === "HEAD" ? undefined : hit.body);
        return finish(hit.status);
      }
      cacheResult = "MISS";
    }

    const headers = upstreamRequestHeaders(req.headers, caller.credentialHeaders);
    const forwardedFor = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = `${forwardedFor ? `${forwardedFor}, ` : ""}${req.socket.remoteAddress ?? ""}`;
    headers["x-forwarded-proto"] = "http";
    if (req.headers.host) headers["x-forwarded-host"] = req.headers.host;
    headers["x-request-id"] = requestId;
    if (caller.applicationId) headers["x-portico-application-id"] = caller.applicationId;
    if (caller.teamId) headers["x-portico-team-id"] = caller.teamId;
    headers["x-portico-api"] = api.slug;
    headers["x-portico-version"] = version.version;

    const hasBody = method !== "GET" && method !== "HEAD" && (declared > 0 || req.headers["transfer-encoding"] !== undefined);
    const body = hasBody ? limitBody(req, options.maxBodyBytes, (seen) => (bytesIn = seen)) : null;
    let upstream: Awaited<ReturnType<typeof forward>>;
    try {
      upstream = await forward(options.agent, upstreamUrl(version.upstreamUrl, rest, query), { method, headers, body });
    } catch (error) {
      if (error instanceof BodyTooLarge || (error as { cause?: unknown }).cause instanceof BodyTooLarge) {
        return refuse({ status: 413, code: "payload-too-large", title: "Content Too Large", detail: `Request bodies may be at most ${options.maxBodyBytes} bytes.` });
      }
      const kind = classifyUpstreamError(error);
      metrics.upstreamErrors.inc({ kind });
      return refuse(
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
    if (cacheResult) outgoing.push("x-cache", cacheResult);
    res.writeHead(upstream.statusCode, outgoing);
    const chunks: Buffer[] = [];
    try {
      await upstream.body.relay(res, (chunk) => {
        bytesOut += chunk.length;
        if (store) chunks.push(chunk);
      });
    } catch (error) {
      // The client went away or the upstream broke mid-body: nothing more to send.
      metrics.upstreamErrors.inc({ kind: res.writableFinished ? "other" : classifyUpstreamError(error) });
      res.destroy();
      return finish(upstream.statusCode);
    }
    if (storedHeaders && key && options.cache) {
      void options.cache.set(key, { status: upstream.statusCode, headers: storedHeaders, body: Buffer.concat(chunks), storedAt: Date.now() }, ttlFor(api.cacheTtlSeconds, upstream.headers));
    }
    return finish(upstream.statusCode);
  }
}
