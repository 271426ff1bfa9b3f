import type { Redis } from "ioredis";
import { withDeadline } from "./redis";

/*
 * Plan limits: requests per minute and per calendar month (UTC), per subject.
 *
 * Algorithm: two fixed windows, counted by one Lua script in one round trip
 * (shared by the requests of one event-loop turn).
 * - The minute window starts at the subject's first counted request and lasts
 *   60 s (the key's TTL, kept by Redis, so every gateway agrees on it whatever
 *   its clock). Windows of different subjects are not aligned to the clock
 *   minute, so consumers do not all reset, and retry, at the same second.
 *   Known cost of fixed windows: a subject can get up to 2N requests through
 *   within a 60 s span that straddles two windows.
 * - The month window is the calendar month in UTC, one key per month.
 * - The script reads both counters and increments them only when both allow
 *   the request, so a request refused by one window uses nothing of the
 *   other, and a refused request never pushes the reset further away.
 * - It runs atomically in Redis, so any number of gateways share one count.
 *
 * Leases: a subject busy on this process (more than 10 requests in the last
 * second) takes, with the request that goes to Redis, an allowance for about
 * the next 100 ms of its traffic, capped at 1/64 of what is left in each of
 * its windows. Redis counts the allowance at once, so the gateways together
 * still never let through more than the limit; the requests it covers are
 * decided in process, without a round trip, until it is used up or its
 * minute window closes. When a quarter of it is left, the next one is
 * fetched in the background, so a busy subject's requests do not wait for
 * Redis when one runs out. The price: an allowance not used before its
 * minute window closes is lost to every gateway, so a subject can get up to
 * about 1/50 of a minute less per gateway than its limit, and only one that
 * was busy; a quiet subject, or one close to its limit, is counted request
 * by request.
 * What it had taken of the month is given back with the subject's next call
 * to Redis, so the quota, which consumers pay for, counts served requests.
 * The RateLimit header of a request decided in process counts this process's
 * requests exactly and the other gateways' as of the last round trip.
 * Likewise a subject Redis refused is refused in process until its window
 * resets (counts only go up within a window), so a client that keeps calling
 * past its limit costs Redis nothing; a change of its plan ends that.
 *
 * When Redis is unreachable (not connected, an error, or no answer within
 * `timeoutMs`), the request is counted at once by an in-process limiter with
 * the same windows and `degraded` turns true; a probe every `probeIntervalMs`
 * (and on every reconnect) moves counting back to Redis when it answers.
 * Every Redis answer is also remembered in process, so during an outage a
 * subject continues from the last count this process saw instead of from 0:
 * a consumer that had used up its month does not get a fresh one.
 *
 * Trade-off, accepted: during an outage each gateway counts alone, so N
 * gateways together let through up to N times the remaining allowance, and
 * what they counted is not merged back into Redis when it returns (a
 * restarted, empty Redis also starts the month from 0). The alternative,
 * refusing traffic while Redis is down, would turn a cache outage into an API
 * outage.
 */

export interface PlanLimits {
  rateLimitPerMinute: number | null;
  monthlyQuota: bigint | null;
}

export interface LimitOutcome {
  allowed: boolean;
  headers: Record<string, string>;
  retryAfterSeconds?: number;
  exceeded?: "minute" | "month";
}

export interface Limiter {
  /**
   * Counts one request for `subject` (a subscription id, or "ip:<addr>" for
   * keyless APIs) against its plan: at once when this process can decide
   * (an allowance, in-memory counting), else once Redis has answered.
   */
  consume(subject: string, limits: PlanLimits, now?: Date): LimitOutcome | Promise<LimitOutcome>;
  /** True while Redis is unreachable and the per-process in-memory limiter is in use. */
  readonly degraded: boolean;
  /** Where requests are counted right now: "memory" also when no Redis is configured (a single-process setup, not a failure). */
  readonly store: "redis" | "memory";
  close(): Promise<void>;
}

export interface LimiterOptions {
  redis: Redis | null;
  prefix?: string;
  onDegradedChange?: (degraded: boolean) => void;
  /** How long a Redis answer may take before the request is counted in memory. */
  timeoutMs?: number;
  /** How often to try Redis again while degraded. */
  probeIntervalMs?: number;
  /** Bound on subjects remembered in process (keyless APIs key by client address, which a caller can vary). */
  maxMemoryEntries?: number;
}

const MINUTE_MS = 60_000;
const MINUTE_WINDOW_S = 60;
// The draft's window is a number of seconds; a calendar month has none fixed,
// so the policy advertises 30 days and `t` carries the real reset.
const MONTH_WINDOW_S = 2_592_000;
// Old month keys outlive their month a little: gateways whose clocks run
// slightly behind may still count into it.
const MONTH_KEY_GRACE_MS = 3_600_000;
// Largest Integer a structured field may carry (RFC 9651 §3.3.1).
const SF_INTEGER_MAX = 999_999_999_999_999;

// One call counts a whole batch: the requests that reached this process in
// one turn of its event loop. Per request that saves a command and a socket
// write on each side (in the gateway, a write per command was as costly as
// forwarding the request upstream; bench/gateway.ts). Entries run in order,
// so two requests of one subject in a batch are counted one after the other.
// ARGV[1]: the minute window in ms; ARGV[2]: the entries, seven lines each:
// minute key, month key, minute limit, month limit (-1: no limit), the
// month key's TTL in ms, how many requests to count (1, or more to take an
// allowance; see "Leases") and how many to give back to the month first (an
// allowance's unused rest). One packed argument rather than seven a request:
// building and parsing the arguments was most of the client's cost per batch.
// The keys are therefore not declared in KEYS, which Redis Cluster would
// need; the gateway talks to one Redis server.
// Replies: requests counted (0: refused), minute count, minute TTL (ms),
// month count, per entry. Beyond the first, a window grants at most 1/64 of
// what it has left, so a window near its limit is counted one by one.
const LIMIT_SCRIPT = `
local window = tonumber(ARGV[1])
local out = {}
for minuteKey, monthKey, minuteLimit, monthLimit, monthTtl, wanted, unused in string.gmatch(ARGV[2], "([^\\n]*)\\n([^\\n]*)\\n([^\\n]*)\\n([^\\n]*)\\n([^\\n]*)\\n([^\\n]*)\\n([^\\n]*)\\n") do
  minuteLimit = tonumber(minuteLimit)
  monthLimit = tonumber(monthLimit)
  local extra = tonumber(wanted) - 1
  unused = tonumber(unused)
  if unused > 0 and monthLimit >= 0 then
    local counted = tonumber(redis.call('GET', monthKey) or 0)
    if counted > 0 then redis.call('DECRBY', monthKey, math.min(unused, counted)) end
  end
  local minuteCount, minuteTtl, monthCount = 0, -2, 0
  if minuteLimit >= 0 then
    minuteCount = tonumber(redis.call('GET', minuteKey) or 0)
    minuteTtl = redis.call('PTTL', minuteKey)
  end
  if monthLimit >= 0 then
    monthCount = tonumber(redis.call('GET', monthKey) or 0)
  end
  local counted = 0
  if (minuteLimit < 0 or minuteCount < minuteLimit) and (monthLimit < 0 or monthCount < monthLimit) then
    if minuteLimit >= 0 then extra = math.min(extra, math.floor((minuteLimit - minuteCount - 1) / 64)) end
    if monthLimit >= 0 then extra = math.min(extra, math.floor((monthLimit - monthCount - 1) / 64)) end
    counted = 1 + math.max(extra, 0)
    if minuteLimit >= 0 then
      minuteCount = redis.call('INCRBY', minuteKey, counted)
      if minuteTtl < 0 then
        minuteTtl = window
        redis.call('PEXPIRE', minuteKey, window)
      end
    end
    if monthLimit >= 0 then
      monthCount = redis.call('INCRBY', monthKey, counted)
      if monthCount == counted then
        redis.call('PEXPIRE', monthKey, monthTtl)
      end
    end
  end
  local n = #out
  out[n + 1], out[n + 2], out[n + 3], out[n + 4] = counted, minuteCount, minuteTtl, monthCount
end
return out
`;

const SCRIPT_NAME = "porticoPlanLimits";
// Bounds one script call, and so how long it holds Redis.
const MAX_BATCH = 256;
/** The minute window in ms and the packed entries (the script declares no keys). */
type LimitScript = (numberOfKeys: 0, windowMs: number, entries: string) => Promise<number[]>;

/** One entry of the script's packed argument (subjects are ids and client addresses: never a line break). */
function packedEntry(minuteKey: string, monthKey: string, minuteLimit: string, monthLimit: string, monthKeyTtlMs: number, wanted: number, unused: number): string {
  return `${minuteKey}\n${monthKey}\n${minuteLimit}\n${monthLimit}\n${monthKeyTtlMs}\n${wanted}\n${unused}\n`;
}

// An allowance covers about this much of a busy subject's traffic...
const LEASE_SPAN_MS = 100;
// ...and is taken only by a subject this busy on this process, in requests
// in the last second: below it, a lease would save next to nothing.
const LEASE_MIN_RATE = 10;
const MAX_LEASE = 10_000;
const ignoreOutcome = () => {};

/** A request waiting for the next batch. */
interface Pending {
  subject: string;
  limits: PlanLimits;
  nowMs: number;
  month: MonthWindow;
  counts: Counts;
  /** Requests to count: 1, or more when this entry takes an allowance. */
  wanted: number;
  /** An expired allowance's rest, given back to the month. */
  unused: number;
  /** Takes an allowance: `leasing` is set while it is on its way. */
  takesAllowance: boolean;
  /** Fetches the next allowance ahead of need, for no request of its own. */
  topUp: boolean;
  resolve: (outcome: LimitOutcome) => void;
}

/** A request that waits for the allowance on its way rather than asking Redis itself. */
interface Waiter {
  limits: PlanLimits;
  nowMs: number;
  month: MonthWindow;
  resolve: (outcome: LimitOutcome) => void;
}

interface MonthWindow {
  /** year * 12 + month: compared, never shown. */
  index: number;
  tag: string;
  startsAt: number;
  endsAt: number;
}

function monthOf(nowMs: number): MonthWindow {
  const d = new Date(nowMs);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  return {
    index: year * 12 + month,
    tag: `${year}${String(month + 1).padStart(2, "0")}`,
    startsAt: Date.UTC(year, month, 1),
    endsAt: Date.UTC(year, month + 1, 1),
  };
}

/**
 * What this process knows of a subject's counts: Redis's last answer, less
 * the allowance not used yet, plus what this process counted since (or all
 * of its own counting while degraded).
 */
interface Counts {
  minuteCount: number;
  /** 0 while no minute window is open. */
  minuteResetAt: number;
  monthCount: number;
  month: number;
  /** Requests already counted in Redis that this process may still let through... */
  leased: number;
  /** ...until then (the end of the minute window they were counted in). */
  leaseEndsAt: number;
  /** The size of the last allowance: the next is fetched when a quarter of it is left. */
  granted: number;
  /** The rest of allowances that expired unused, to give back to the month `month`. */
  unusedOfMonth: number;
  /** An entry taking an allowance is on its way to Redis... */
  leasing: boolean;
  /** ...and these requests, which found none left, wait for it. */
  waiters: Waiter[];
  /** Redis refused this subject under these limits: refuse in process until `refusedUntil`. */
  refusedUnder: PlanLimits | null;
  refusedUntil: number;
  /** This subject's requests on this process: in the second `second`, and in the one before it. */
  second: number;
  thisSecond: number;
  lastSecond: number;
}

function sfInteger(n: number | bigint): string {
  if (typeof n === "bigint") return n > BigInt(SF_INTEGER_MAX) ? String(SF_INTEGER_MAX) : n < BigInt(0) ? "0" : n.toString();
  return String(Math.min(Math.max(0, Math.floor(n)), SF_INTEGER_MAX));
}

function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

// A plan's policy header changes only with the plan: built once per plan
// object (the gateway's config replaces the object when the plan changes).
const policyHeaders = new WeakMap<PlanLimits, string>();

function policyHeader(limits: PlanLimits): string {
  let header = policyHeaders.get(limits);
  if (header === undefined) {
    const policies: string[] = [];
    if (limits.rateLimitPerMinute !== null) policies.push(`"minute";q=${sfInteger(limits.rateLimitPerMinute)};w=${MINUTE_WINDOW_S}`);
    if (limits.monthlyQuota !== null) policies.push(`"month";q=${sfInteger(limits.monthlyQuota)};w=${MONTH_WINDOW_S}`);
    header = policies.join(", ");
    policyHeaders.set(limits, header);
  }
  return header;
}

/**
 * The outcome and its headers. `minuteResetMs` is the time left in the open
 * minute window (a full minute when none is open), `monthResetMs` the time to
 * the start of next month.
 */
export function limitOutcome(
  limits: PlanLimits,
  allowed: boolean,
  minuteCount: number,
  minuteResetMs: number,
  monthCount: number,
  monthResetMs: number,
): LimitOutcome {
  const { rateLimitPerMinute: perMinute, monthlyQuota: quota } = limits;
  if (perMinute === null && quota === null) return { allowed: true, headers: {} };
  // The draft asks for the window with the lowest remaining value; between
  // equals, the later reset, which is the one a refused client must wait for.
  let name = "";
  let remaining = Infinity;
  let reset = 0;
  let monthExhausted = false;
  if (perMinute !== null) {
    name = "minute";
    remaining = Math.max(0, perMinute - minuteCount);
    reset = seconds(minuteResetMs);
  }
  if (quota !== null) {
    const r = Math.max(0, Number(quota) - monthCount);
    monthExhausted = r === 0;
    const t = seconds(monthResetMs);
    if (r < remaining || (r === remaining && t > reset)) {
      name = "month";
      remaining = r;
      reset = t;
    }
  }
  const out: LimitOutcome = { allowed, headers: {} };
  if (!allowed) {
    // Retry-After and the reset of the reported window name the same instant.
    reset = Math.max(1, reset);
    out.retryAfterSeconds = reset;
    out.exceeded = monthExhausted ? "month" : "minute";
  }
  out.headers["RateLimit-Policy"] = policyHeader(limits);
  out.headers["RateLimit"] = `"${name}";r=${sfInteger(remaining)};t=${reset}`;
  return out;
}

export function createLimiter(options: LimiterOptions): Limiter {
  const redis = options.redis;
  const prefix = options.prefix ?? "portico:";
  const timeoutMs = options.timeoutMs ?? 50;
  const probeIntervalMs = options.probeIntervalMs ?? 250;
  const maxEntries = options.maxMemoryEntries ?? 100_000;

  const counts = new Map<string, Counts>();
  let degraded = false;
  let closed = false;
  let probing = false;
  let probeTimer: NodeJS.Timeout | null = null;
  let month = monthOf(Date.now());

  let runScript: LimitScript | null = null;
  if (redis) {
    redis.defineCommand(SCRIPT_NAME, { lua: LIMIT_SCRIPT });
    const bound = (redis as unknown as Record<string, LimitScript>)[SCRIPT_NAME];
    runScript = bound.bind(redis);
  }

  function monthAt(nowMs: number): MonthWindow {
    if (nowMs < month.startsAt || nowMs >= month.endsAt) month = monthOf(nowMs);
    return month;
  }

  function countsOf(subject: string, monthIndex: number): Counts {
    let c = counts.get(subject);
    if (!c) {
      // Oldest first: a subject dropped here only loses its in-process count.
      if (counts.size >= maxEntries) counts.delete(counts.keys().next().value as string);
      c = { minuteCount: 0, minuteResetAt: 0, monthCount: 0, month: monthIndex, leased: 0, leaseEndsAt: 0, granted: 0, unusedOfMonth: 0, leasing: false, waiters: [], refusedUnder: null, refusedUntil: 0, second: 0, thisSecond: 0, lastSecond: 0 };
      counts.set(subject, c);
    }
    return c;
  }

  function setDegraded(value: boolean) {
    if (degraded === value || closed) return;
    degraded = value;
    if (value) startProbe();
    else stopProbe();
    try {
      options.onDegradedChange?.(value);
    } catch {
      // A failing listener must not fail the request that noticed the change.
    }
  }

  function startProbe() {
    if (probeTimer || !redis) return;
    probeTimer = setInterval(() => void probe(), probeIntervalMs);
    probeTimer.unref();
  }

  function stopProbe() {
    if (probeTimer) clearInterval(probeTimer);
    probeTimer = null;
  }

  // The probe runs the real script (on a key of its own) rather than a PING,
  // so a Redis that answers but refuses writes (OOM, a read-only replica
  // after failover) does not count as back.
  async function probe() {
    if (probing || closed || !degraded || !redis || !runScript || redis.status !== "ready") return;
    probing = true;
    try {
      await withDeadline(runScript(0, MINUTE_MS, packedEntry(`${prefix}rl:{probe}:m`, `${prefix}rl:{probe}:mo`, "2147483647", "-1", 0, 1, 0)), timeoutMs);
      setDegraded(false);
    } catch {
      // Still unreachable: the next tick tries again.
    } finally {
      probing = false;
    }
  }

  const onReady = () => void probe();
  redis?.on("ready", onReady);

  const sweepTimer = setInterval(() => {
    const now = Date.now();
    const current = monthAt(now).index;
    for (const [subject, c] of counts) {
      if (c.minuteResetAt <= now && (c.month !== current || c.monthCount === 0)) counts.delete(subject);
    }
  }, MINUTE_MS);
  sweepTimer.unref();

  function consumeInMemory(subject: string, limits: PlanLimits, nowMs: number, m: MonthWindow): LimitOutcome {
    const c = countsOf(subject, m.index);
    if (c.minuteResetAt !== 0 && c.minuteResetAt <= nowMs) {
      c.minuteCount = 0;
      c.minuteResetAt = 0;
    }
    if (c.month !== m.index) {
      c.monthCount = 0;
      c.month = m.index;
    }
    const perMinute = limits.rateLimitPerMinute;
    const quota = limits.monthlyQuota;
    const allowed = (perMinute === null || c.minuteCount < perMinute) && (quota === null || c.monthCount < Number(quota));
    if (allowed) {
      if (perMinute !== null) {
        c.minuteCount += 1;
        if (c.minuteResetAt === 0) c.minuteResetAt = nowMs + MINUTE_MS;
      }
      if (quota !== null) c.monthCount += 1;
    }
    const minuteResetMs = c.minuteResetAt === 0 ? MINUTE_MS : c.minuteResetAt - nowMs;
    return limitOutcome(limits, allowed, c.minuteCount, minuteResetMs, c.monthCount, m.endsAt - nowMs);
  }

  // Requests wait in `queue` while a batch is in flight, and go together in
  // the next one when it returns: under load a batch holds what arrived
  // during one round trip; when quiet, a request waits for no other.
  let queue: Pending[] = [];
  let flushScheduled = false;
  let inFlight = 0;

  function remember(entry: Pending, counted: number, minuteCount: number, minuteTtlMs: number, monthCount: number): LimitOutcome {
    const c = entry.counts;
    // A top-up's requests all go to the allowance; a request's own first one is its own.
    const leased = entry.topUp ? counted : counted - 1;
    if (leased > 0) {
      // Counted in this minute window, so usable only within it (the TTL was
      // read after `nowMs`: this ends a little early, never late).
      const endsAt = entry.limits.rateLimitPerMinute !== null && minuteTtlMs > 0 ? entry.nowMs + minuteTtlMs : entry.month.endsAt;
      // What a top-up finds left of the current allowance stays usable if
      // both were counted in the same minute window (their ends agree to a
      // few ms); counted in the window before, it is void.
      if (c.leased > 0 && endsAt > c.leaseEndsAt + 1_000) {
        if (c.month === entry.month.index) c.unusedOfMonth += c.leased;
        c.leased = 0;
      }
      c.leased += leased;
      c.leaseEndsAt = endsAt;
      c.granted = leased;
    }
    const unused = c.leaseEndsAt > entry.nowMs ? c.leased : 0;
    c.minuteCount = Math.max(0, minuteCount - unused);
    c.minuteResetAt = minuteTtlMs > 0 ? entry.nowMs + minuteTtlMs : 0;
    c.monthCount = Math.max(0, monthCount - unused);
    c.month = entry.month.index;
    const outcome = limitOutcome(entry.limits, counted > 0, c.minuteCount, minuteTtlMs > 0 ? minuteTtlMs : MINUTE_MS, c.monthCount, entry.month.endsAt - entry.nowMs);
    if (!outcome.allowed) {
      c.refusedUnder = entry.limits;
      c.refusedUntil = outcome.exceeded === "month" ? entry.month.endsAt : entry.nowMs + (minuteTtlMs > 0 ? minuteTtlMs : MINUTE_MS);
    }
    return outcome;
  }

  /** A request of a subject Redis refused within the same window, under the same plan, or null. */
  function stillRefused(c: Counts, limits: PlanLimits, nowMs: number, m: MonthWindow): LimitOutcome | null {
    if (c.refusedUnder === null) return null;
    if (c.refusedUnder !== limits || nowMs >= c.refusedUntil) {
      c.refusedUnder = null;
      return null;
    }
    return limitOutcome(limits, false, c.minuteCount, c.minuteResetAt > nowMs ? c.minuteResetAt - nowMs : MINUTE_MS, c.monthCount, m.endsAt - nowMs);
  }

  /** A request covered by the subject's allowance, or null. */
  function consumeLeased(subject: string, c: Counts, limits: PlanLimits, nowMs: number, m: MonthWindow): LimitOutcome | null {
    if (c.leased === 0) return null;
    if (nowMs >= c.leaseEndsAt || c.month !== m.index) {
      // Last month's rest is last month's business.
      if (c.month === m.index) c.unusedOfMonth += c.leased;
      c.leased = 0;
      return null;
    }
    c.leased -= 1;
    c.minuteCount += 1;
    c.monthCount += 1;
    if (c.leased * 4 <= c.granted && !c.leasing && c.lastSecond >= LEASE_MIN_RATE) {
      c.leasing = true;
      enqueue({ subject, limits, nowMs, month: m, counts: c, wanted: leaseSize(c), unused: takeUnused(c, m), takesAllowance: true, topUp: true, resolve: ignoreOutcome });
    }
    return limitOutcome(limits, true, c.minuteCount, c.minuteResetAt > nowMs ? c.minuteResetAt - nowMs : MINUTE_MS, c.monthCount, m.endsAt - nowMs);
  }

  /** How many requests an allowance covers: about LEASE_SPAN_MS of the subject's traffic. */
  function leaseSize(c: Counts): number {
    return Math.min(MAX_LEASE, Math.ceil((c.lastSecond * LEASE_SPAN_MS) / 1000));
  }

  /** An expired allowance's rest, handed to the subject's next entry to give back to the month. */
  function takeUnused(c: Counts, m: MonthWindow): number {
    const unused = c.month === m.index ? c.unusedOfMonth : 0;
    c.unusedOfMonth = 0;
    return unused;
  }

  function countRate(c: Counts, nowMs: number) {
    const second = Math.floor(nowMs / 1000);
    if (second !== c.second) {
      c.lastSecond = second === c.second + 1 ? c.thisSecond : 0;
      c.thisSecond = 0;
      c.second = second;
    }
    c.thisSecond += 1;
  }

  async function countBatch(batch: Pending[]) {
    let entries = "";
    for (const entry of batch) {
      const { rateLimitPerMinute: perMinute, monthlyQuota: quota } = entry.limits;
      entries += packedEntry(
        `${prefix}rl:{${entry.subject}}:m`,
        `${prefix}rl:{${entry.subject}}:mo:${entry.month.tag}`,
        perMinute === null ? "-1" : String(perMinute),
        quota === null ? "-1" : quota.toString(),
        entry.month.endsAt - entry.nowMs + MONTH_KEY_GRACE_MS,
        entry.wanted,
        entry.unused,
      );
    }
    let reply: number[];
    try {
      if (degraded || closed || redis!.status !== "ready") throw new Error("Redis is not ready");
      reply = await withDeadline(runScript!(0, MINUTE_MS, entries), timeoutMs);
    } catch {
      setDegraded(true);
      for (const entry of batch) {
        entry.counts.unusedOfMonth += entry.unused;
        if (!entry.topUp) entry.resolve(consumeInMemory(entry.subject, entry.limits, entry.nowMs, entry.month));
        if (entry.takesAllowance) allowanceSettled(entry.subject, entry.counts);
      }
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i];
      entry.resolve(remember(entry, reply[4 * i], reply[4 * i + 1], reply[4 * i + 2], reply[4 * i + 3]));
      if (entry.takesAllowance) allowanceSettled(entry.subject, entry.counts);
    }
  }

  /** The allowance a subject's waiters waited for has come (or Redis failed): decide them, in order. */
  function allowanceSettled(subject: string, c: Counts) {
    c.leasing = false;
    const waiters = c.waiters;
    c.waiters = [];
    for (const waiter of waiters) {
      if (degraded || closed) waiter.resolve(consumeInMemory(subject, waiter.limits, waiter.nowMs, waiter.month));
      else decide(subject, c, waiter);
    }
  }

  function flushQueue() {
    flushScheduled = false;
    if (inFlight > 0 || queue.length === 0) return;
    const waiting = queue;
    queue = [];
    for (let start = 0; start < waiting.length; start += MAX_BATCH) {
      inFlight += 1;
      void countBatch(waiting.slice(start, start + MAX_BATCH)).finally(batchDone);
    }
  }

  function batchDone() {
    inFlight -= 1;
    if (inFlight === 0) flushQueue();
  }

  function consume(subject: string, limits: PlanLimits, now?: Date): LimitOutcome | Promise<LimitOutcome> {
    const perMinute = limits.rateLimitPerMinute;
    const quota = limits.monthlyQuota;
    if (perMinute === null && quota === null) return { allowed: true, headers: {} };
    const nowMs = now ? now.getTime() : Date.now();
    const m = monthAt(nowMs);
    if (!redis || !runScript || degraded || closed) return consumeInMemory(subject, limits, nowMs, m);
    if (redis.status !== "ready") {
      setDegraded(true);
      return consumeInMemory(subject, limits, nowMs, m);
    }
    const c = countsOf(subject, m.index);
    countRate(c, nowMs);
    return decidedInProcess(subject, c, limits, nowMs, m) ?? new Promise((resolve) => ask(subject, c, { limits, nowMs, month: m, resolve }));
  }

  /** What this process can decide without Redis: a request its allowance covers, or one of a subject Redis refused. */
  function decidedInProcess(subject: string, c: Counts, limits: PlanLimits, nowMs: number, m: MonthWindow): LimitOutcome | null {
    return consumeLeased(subject, c, limits, nowMs, m) ?? stillRefused(c, limits, nowMs, m);
  }

  /** A request of a subject the process cannot decide now: it waits for the allowance on its way, or asks Redis. */
  function ask(subject: string, c: Counts, waiter: Waiter) {
    if (c.leasing) {
      c.waiters.push(waiter);
      return;
    }
    // A busy subject takes an allowance with this request; any other is counted request by request.
    const takesAllowance = c.lastSecond >= LEASE_MIN_RATE;
    if (takesAllowance) c.leasing = true;
    const { limits, nowMs, month, resolve } = waiter;
    enqueue({ subject, limits, nowMs, month, counts: c, wanted: takesAllowance ? 1 + leaseSize(c) : 1, unused: takeUnused(c, month), takesAllowance, topUp: false, resolve });
  }

  function decide(subject: string, c: Counts, waiter: Waiter) {
    const decided = decidedInProcess(subject, c, waiter.limits, waiter.nowMs, waiter.month);
    if (decided) waiter.resolve(decided);
    else ask(subject, c, waiter);
  }

  function enqueue(entry: Pending) {
    queue.push(entry);
    // After this turn's other requests (setImmediate runs once the sockets
    // that were ready have all been read), so they share one call.
    if (!flushScheduled && inFlight === 0) {
      flushScheduled = true;
      setImmediate(flushQueue);
    }
  }

  return {
    consume,
    get degraded() {
      return degraded;
    },
    get store() {
      return redis && !degraded && !closed ? "redis" : "memory";
    },
    async close() {
      closed = true;
      stopProbe();
      clearInterval(sweepTimer);
      redis?.off("ready", onReady);
    },
  };
}
