// The load generator of bench/gateway.ts, run as a process of its own so it
// never shares an event loop with the servers it measures. Takes one JSON
// argument (a LoadPlan), prints one JSON line (a LoadResult).
//
// - "throughput": autocannon, N connections as fast as they go, for a
//   warm-up then the measured duration. Latencies are taken from its
//   per-response event (fractional ms): its own histogram keeps whole
//   milliseconds, too coarse for a 2 ms p50.
// - "rate": a constant request rate, wrk2-style. autocannon's overallRate is
//   not constant: each connection sends its share of the second back to back
//   and then waits for the next second, so it measures bursts at full
//   concurrency. Here request i is due at start + i / rate, and its latency
//   is counted from when it was due (so a stall on either side is not hidden
//   by requests that were never sent, the coordinated-omission problem) as
//   well as from when it was actually written.
import autocannon, { type Result as CannonResult } from "autocannon";
import { Pool } from "undici";

export interface LoadPlan {
  mode: "throughput" | "rate";
  url: string;
  headers: Record<string, string>;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Requests per second, for "rate". */
  rate?: number;
}

export interface LoadResult {
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** "rate" only: the same percentiles counted from when each request was written. */
  sentP50?: number;
  sentP99?: number;
  statusCodes: Record<string, number>;
  /** CPU time of this process (the load generator) during the run, ms. */
  cpuMs: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;
  push(value: number) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

function cannon(plan: LoadPlan, seconds: number, samples: Samples | null) {
  return new Promise<CannonResult>((resolve, reject) => {
    const instance = autocannon({ url: plan.url, headers: plan.headers, connections: plan.connections, duration: seconds, timeout: 10 }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
    if (samples) {
      instance.on("response", (_client, statusCode, _bytes, responseTime) => {
        if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
      });
    }
  });
}

async function throughput(plan: LoadPlan): Promise<LoadResult> {
  if (plan.warmupSeconds > 0) await cannon(plan, plan.warmupSeconds, null);
  const samples = new Samples();
  const result = await cannon(plan, plan.durationSeconds, samples);
  const sorted = samples.sorted();
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  const ok = result["2xx"];
  return {
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
    requestsPerSecond: ok / result.duration,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    statusCodes,
    cpuMs: 0,
  };
}

async function constantRate(pool: Pool, plan: LoadPlan, seconds: number) {
  const rate = plan.rate ?? 1000;
  const total = Math.round(rate * seconds);
  const url = new URL(plan.url);
  const path = url.pathname + url.search;
  const fromDue = new Samples();
  const fromSent = new Samples();
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let done = 0;
  let next = 0;
  const start = performance.now();
  return new Promise<{ fromDue: Samples; fromSent: Samples; statusCodes: Record<string, number>; errors: number; seconds: number }>((resolve) => {
    const settle = () => {
      if (++done === total) resolve({ fromDue, fromSent, statusCodes, errors, seconds: (performance.now() - start) / 1000 });
    };
    const fire = (due: number) => {
      const sent = performance.now();
      pool.request({ path, method: "GET", headers: plan.headers }).then(
        async (response) => {
          await response.body.dump({ limit: Infinity });
          const now = performance.now();
          statusCodes[response.statusCode] = (statusCodes[response.statusCode] ?? 0) + 1;
          if (response.statusCode >= 200 && response.statusCode < 300) {
            fromDue.push(now - due);
            fromSent.push(now - sent);
          }
          settle();
        },
        () => {
          errors += 1;
          settle();
        },
      );
    };
    const tick = () => {
      const now = performance.now();
      while (next < total && start + (next * 1000) / rate <= now) fire(start + (next++ * 1000) / rate);
      if (next < total) setTimeout(tick, Math.max(0, start + (next * 1000) / rate - performance.now()));
    };
    tick();
  });
}

async function rate(plan: LoadPlan): Promise<LoadResult> {
  const origin = new URL(plan.url).origin;
  const pool = new Pool(origin, { connections: plan.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  try {
    if (plan.warmupSeconds > 0) await constantRate(pool, plan, plan.warmupSeconds);
    const run = await constantRate(pool, plan, plan.durationSeconds);
    const due = run.fromDue.sorted();
    const sent = run.fromSent.sorted();
    const ok = due.length;
    return {
      ok,
      non2xx: Object.entries(run.statusCodes).reduce((sum, [code, count]) => sum + (Number(code) >= 200 && Number(code) < 300 ? 0 : count), 0),
      errors: run.errors,
      seconds: run.seconds,
      requestsPerSecond: ok / run.seconds,
      p50: percentile(due, 50),
      p99: percentile(due, 99),
      max: due[due.length - 1] ?? NaN,
      sentP50: percentile(sent, 50),
      sentP99: percentile(sent, 99),
      statusCodes: run.statusCodes,
      cpuMs: 0,
    };
  } finally {
    await pool.close();
  }
}

async function main() {
  const plan = JSON.parse(process.argv[2] ?? "{}") as LoadPlan;
  const started = process.cpuUsage();
  const result = plan.mode === "rate" ? await rate(plan) : await throughput(plan);
  const cpu = process.cpuUsage(started);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
