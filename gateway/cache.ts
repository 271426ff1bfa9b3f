import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { withDeadline } from "./redis";

/*
 * Response cache for APIs whose team turned caching on. Entries live in Redis
 * so every gateway shares them; a Redis that is down or slow is a miss, never
 * an error, and the request goes to the upstream.
 *
 * An entry is one Redis string, expired by PX:
 *   byte 0       format version (1)
 *   bytes 1..4   length of the JSON head, big-endian
 *   JSON head    {"s": status, "t": storedAt, "h": [[name, value], ...]}
 *   the rest     the body, raw
 * One GET returns the whole response, and the body is neither base64- nor
 * JSON-encoded.
 */

export interface CachedResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
  storedAt: number;
}

export interface ResponseCache {
  /** null on miss or when Redis is down (never throws). */
  get(key: string): Promise<CachedResponse | null>;
  /** Never throws; stores nothing when the body is over maxBodyBytes or the TTL is not positive. */
  set(key: string, value: CachedResponse, ttlSeconds: number): Promise<void>;
}

export interface ResponseCacheOptions {
  redis: Redis | null;
  prefix?: string;
  maxBodyBytes?: number;
  /** How long a Redis answer may take before a get counts as a miss. */
  timeoutMs?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

type HeaderMap = Record<string, string | string[] | undefined>;

const FORMAT_VERSION = 1;

function encode(value: CachedResponse): Buffer {
  const head = Buffer.from(JSON.stringify({ s: value.status, t: value.storedAt, h: value.headers }));
  const out = Buffer.allocUnsafe(5 + head.length + value.body.length);
  out[0] = FORMAT_VERSION;
  out.writeUInt32BE(head.length, 1);
  head.copy(out, 5);
  value.body.copy(out, 5 + head.length);
  return out;
}

function decode(raw: Buffer): CachedResponse | null {
  if (raw.length < 5 || raw[0] !== FORMAT_VERSION) return null;
  const headLength = raw.readUInt32BE(1);
  if (5 + headLength > raw.length) return null;
  try {
    const head = JSON.parse(raw.subarray(5, 5 + headLength).toString("utf8")) as { s: number; t: number; h: [string, string][] };
    if (typeof head.s !== "number" || typeof head.t !== "number" || !Array.isArray(head.h)) return null;
    // A view, not a copy: the buffer came from this GET alone.
    return { status: head.s, storedAt: head.t, headers: head.h, body: raw.subarray(5 + headLength) };
  } catch {
    return null;
  }
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const { redis } = options;
  const prefix = `${options.prefix ?? "portico:"}cache:`;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? 100;

  return {
    async get(key) {
      if (!redis || redis.status !== "ready") return null;
      try {
        const raw = await withDeadline(redis.getBuffer(prefix + key), timeoutMs);
        return raw ? decode(raw) : null;
      } catch {
        return null;
      }
    },
    async set(key, value, ttlSeconds) {
      const ttlMs = Math.floor(ttlSeconds * 1000);
      if (!redis || redis.status !== "ready" || !(ttlMs > 0) || value.body.length > maxBodyBytes) return;
      try {
        await withDeadline(redis.set(prefix + key, encode(value), "PX", ttlMs), timeoutMs);
      } catch {
        // Not stored: the next request is a miss, which is all a failed set may cost.
      }
    },
  };
}

/** Accept-style lists differing only in spaces ("gzip, br" / "gzip,br") share an entry. */
function normalizeList(value: string | null | undefined): string {
  return value ? value.trim().replace(/\s*([,;=])\s*/g, "$1") : "";
}

/**
 * The cache key: API version, consumer (application id, or "anonymous"),
 * method, path with query, and the request's Accept / Accept-Encoding. One
 * consumer never gets another's response.
 *
 * Version and consumer stay readable at the front, so one version's or one
 * consumer's entries can be found by pattern; every part, those two included,
 * goes into the digest, so no two different requests share a key whatever
 * characters their parts contain, and a long query does not make a long key.
 */
export function cacheKey(parts: {
  versionId: string;
  consumer: string;
  method: string;
  pathAndQuery: string;
  accept?: string | null;
  acceptEncoding?: string | null;
}): string {
  const method = parts.method.toUpperCase();
  const digest = createHash("sha256")
    .update(JSON.stringify([parts.versionId, parts.consumer, method, parts.pathAndQuery, normalizeList(parts.accept), normalizeList(parts.acceptEncoding)]))
    .digest("base64url");
  return `${encodeURIComponent(parts.versionId)}:${encodeURIComponent(parts.consumer)}:${digest}`;
}

function headerValues(headers: HeaderMap, name: string): string[] {
  let value = headers[name];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function hasHeader(headers: HeaderMap, name: string): boolean {
  return headerValues(headers, name).length > 0;
}

/**
 * Cache-Control directives, names lower-cased; a directive without a value
 * maps to "". The first occurrence of a directive wins (RFC 9111 §4.2.1).
 * Quoted values may hold commas (`private="set-cookie, x-user"`).
 */
export function parseCacheControl(values: string[]): Map<string, string> {
  const directives = new Map<string, string>();
  for (const line of values) {
    let i = 0;
    while (i < line.length) {
      let j = i;
      while (j < line.length && line[j] !== "," && line[j] !== "=") j++;
      const name = line.slice(i, j).trim().toLowerCase();
      let value = "";
      if (line[j] === "=") {
        j++;
        while (line[j] === " " || line[j] === "\t") j++;
        if (line[j] === '"') {
          j++;
          while (j < line.length && line[j] !== '"') {
            if (line[j] === "\\") j++;
            value += line[j] ?? "";
            j++;
          }
          while (j < line.length && line[j] !== ",") j++;
        } else {
          const start = j;
          while (j < line.length && line[j] !== ",") j++;
          value = line.slice(start, j).trim();
        }
      }
      if (name !== "" && !directives.has(name)) directives.set(name, value);
      i = j + 1;
    }
  }
  return directives;
}

/** delta-seconds (RFC 9111 §1.2.2), or null when malformed. */
function deltaSeconds(value: string): number | null {
  return /^\d+$/.test(value) ? Number(value) : null;
}

// Heuristically cacheable (RFC 9111 §4.2.2) and stable answers: 200 and 203
// (full representations), 204 (empty), 300, 301 and 308 (permanent choices
// and moves). Left out: 206 (a range, the key has no Range), temporary
// redirects, and the cacheable errors 404/405/410/414/501: a 404 cached for
// a minute answers "not found" to a consumer who has just created the
// resource, and caching them lets a caller fill the cache with junk paths.
const CACHEABLE_STATUSES = new Set([200, 203, 204, 300, 301, 308]);

// The key holds these request headers and no others; a response that varies
// on anything else (Accept-Language, Origin, a custom header) would be served
// to requests it was not made for.
const VARY_IN_KEY = new Set(["accept", "accept-encoding"]);

/**
 * May this response be stored? `request.headers` are the headers as forwarded
 * upstream (after the gateway took the consumer's key out).
 *
 * Refused beyond what the brief lists:
 * - a forwarded Cookie, like Authorization: the upstream may answer per user,
 *   and for a keyless API every caller is the same "anonymous" consumer;
 * - response Cache-Control no-cache (it must be revalidated before every reuse,
 *   which this cache does not do);
 * - Vary naming any header outside the key (see VARY_IN_KEY).
 */
export function isCacheable(
  request: { method: string; headers: HeaderMap },
  response: { status: number; headers: HeaderMap },
  options: { maxBodyBytes?: number } = {},
): boolean {
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "HEAD") return false;
  if (!CACHEABLE_STATUSES.has(response.status)) return false;

  if (parseCacheControl(headerValues(request.headers, "cache-control")).has("no-store")) return false;
  if (hasHeader(request.headers, "authorization") || hasHeader(request.headers, "cookie")) return false;

  const cc = parseCacheControl(headerValues(response.headers, "cache-control"));
  if (cc.has("no-store") || cc.has("private") || cc.has("no-cache")) return false;
  if (hasHeader(response.headers, "set-cookie")) return false;
  for (const line of headerValues(response.headers, "vary")) {
    for (const field of line.split(",")) {
      const name = field.trim().toLowerCase();
      if (name !== "" && !VARY_IN_KEY.has(name)) return false;
    }
  }

  // A HEAD response's Content-Length describes a body it does not carry.
  if (method === "GET") {
    const length = headerValues(response.headers, "content-length")[0];
    const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (length !== undefined && Number(length) > max) return false;
  }
  return true;
}

/**
 * TTL in whole seconds: the API's TTL, capped by the response's freshness
 * (s-maxage, which speaks to shared caches like this one, before max-age;
 * else Expires against Date), less the Age it already has from caches
 * upstream. 0 means do not store.
 */
export function ttlFor(apiTtlSeconds: number, responseHeaders: HeaderMap, now: number = Date.now()): number {
  if (!(apiTtlSeconds > 0)) return 0;
  const apiTtl = Math.floor(apiTtlSeconds);
  const cc = parseCacheControl(headerValues(responseHeaders, "cache-control"));
  if (cc.has("no-store") || cc.has("private") || cc.has("no-cache")) return 0;

  let lifetime: number | null = null;
  const sMaxAge = cc.get("s-maxage");
  const maxAge = cc.get("max-age");
  if (sMaxAge !== undefined) lifetime = deltaSeconds(sMaxAge) ?? 0;
  else if (maxAge !== undefined) lifetime = deltaSeconds(maxAge) ?? 0;
  else {
    const expires = headerValues(responseHeaders, "expires")[0];
    if (expires !== undefined) {
      // An invalid Expires ("0", "-1") means already expired (RFC 9111 §5.3).
      const expiresAt = Date.parse(expires);
      const date = Date.parse(headerValues(responseHeaders, "date")[0] ?? "");
      lifetime = Number.isNaN(expiresAt) ? 0 : Math.floor((expiresAt - (Number.isNaN(date) ? now : date)) / 1000);
    }
  }
  if (lifetime === null) return apiTtl;
  const age = deltaSeconds(headerValues(responseHeaders, "age")[0] ?? "") ?? 0;
  return Math.max(0, Math.min(apiTtl, lifetime - age));
}

/**
 * May a stored response answer this request? Not when the client asks for a
 * fresh one (Cache-Control no-cache, no-store or max-age=0; Pragma: no-cache
 * from HTTP/1.0 clients that send no Cache-Control).
 */
export function mayServeFromCache(requestHeaders: HeaderMap): boolean {
  const values = headerValues(requestHeaders, "cache-control");
  if (values.length === 0) {
    return !headerValues(requestHeaders, "pragma").some((v) => /(^|,)\s*no-cache\s*(,|$)/i.test(v));
  }
  const cc = parseCacheControl(values);
  return !(cc.has("no-cache") || cc.has("no-store") || cc.get("max-age") === "0");
}
