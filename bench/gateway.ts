// npm run bench:gateway — what the gateway costs in front of an upstream.
//
// One run, same load for each target (autocannon, BENCH_CONNECTIONS=50
// connections, one BENCH_WARMUP=20 s warm-up each, then BENCH_ROUNDS=3 rounds
// in which every target is measured for BENCH_SECONDS=15 s in turn; each
// figure is the median over the rounds):
//   (a) the upstream directly: a node:http server answering 1 KB of JSON;
//   (b) Debian's nginx as a plain reverse proxy to it (what many would put in
//       front instead); installed with apt-get when missing;
//   (c) the gateway with no key, limits or usage log (GATEWAY_LIMITS=off,
//       GATEWAY_USAGE=off, a keyless PUBLIC API);
//   (d) the gateway with key auth, Redis rate limiting, usage logging and
//       lifecycle headers (a DEPRECATED version with a sunset and a successor).
// Then (a) and (d) again at a constant 1,000 requests/s for their p99.
// Targets: (d) ≥ 70% of (c)'s requests/s, (c) ≥ 50% of nginx's, and (d)'s
// p99 at most 5 ms above (a)'s at 1,000 requests/s.
//
// Every server and the load generator are processes of their own; on two
// cores they still share the CPU with each other and, for (d), with Redis
// and PostgreSQL, which the figures include. So each row also gets the CPU
// time per request of every process involved (from /proc), which says what
// each costs whatever the throughput, and the share of the machine that
// other work used during it: past 15% the row is flagged as disturbed.
//
// A throwaway database (portico_bench_*) is created, migrated and dropped at
// the end, also on failure or Ctrl-C; BENCH_KEEP=1 keeps it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { Redis } from "ioredis";
import { createDatabase, dropDatabase, migrateDeploy, REPO_ROOT } from "../tests/integration/database";
import type { LoadPlan, LoadResult } from "./gateway-load";
import type { BenchWorld } from "./gateway-world";
import { GATEWAY_NODE_FLAGS } from "../gateway/node-flags";
import { freePort } from "../lib/net/free-port";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
// A fresh gateway's CPU per request kept falling for 20 to 30 s of full load
// (the JIT settling on its hot paths): with 5 s, (d) was measured half cold.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? SECONDS);
// Long enough for the gateway's hot paths to be compiled before it is measured.
const RATE_WARMUP = Number(process.env.BENCH_RATE_WARMUP ?? 10);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
// Other people's work shares these cores: wait (up to BENCH_LOAD_WAIT s) for
// the 1-minute load average to fall under BENCH_MAX_LOAD before starting.
const MAX_LOAD = Number(process.env.BENCH_MAX_LOAD ?? 1.5);
const LOAD_WAIT_S = Number(process.env.BENCH_LOAD_WAIT ?? 300);
// One worker: the gateway is one process with one event loop, so one nginx
// worker is the like-for-like proxy. On two cores already busy with the
// upstream and the load generator a second worker only adds contention;
// BENCH_NGINX_WORKERS=auto shows that.
const NGINX_WORKERS = process.env.BENCH_NGINX_WORKERS ?? "1";
// Each throughput figure is the median of BENCH_ROUNDS measured runs (after
// one warm-up): on a shared two-core machine single runs of the same build
// were seen 25% apart.
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
// BENCH_TARGETS=cd (say): measure only those targets, for working on one of
// them; the constant-rate run needs both (a) and (d).
const TARGETS = new Set((process.env.BENCH_TARGETS ?? "abcd").toLowerCase());
// BENCH_PROFILE=<dir>: each gateway writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
const PROFILE_DIR = process.env.BENCH_PROFILE;
// Past this share of the machine's CPU used by other work during a run, its figures are flagged.
const DISTURBED = 0.15;

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void> | void)[] = [];

const load1 = () => loadavg()[0];


/** A TypeScript file of this folder (or the gateway) in a node process of its own. */
function spawnTs(file: string, args: string[], env: NodeJS.ProcessEnv = process.env, nodeArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", file, ...args], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Runs a TypeScript child to the end and answers its last stdout line as JSON. */
function runTs<T>(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawnTs(file, args, env);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`${file} exited with ${code}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "") as T);
      } catch {
        reject(new Error(`${file} printed no JSON: ${stdout}\n${stderr}`));
      }
    });
  });
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGTERM") {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  const timeout = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
  await Promise.race([exited, timeout]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await exited;
  }
}

async function waitForOk(url: string, child: ChildProcess, output: () => string, headers: Record<string, string> = {}) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode}): ${output()}`);
    const ok = await fetch(url, { headers }).then(
      async (response) => (await response.arrayBuffer(), response.ok),
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within 30 s: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function capture(child: ChildProcess): () => string {
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  return () => output;
}

async function startUpstream(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawnTs("bench/gateway-upstream.ts", []);
  const port = await new Promise<number>((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(Number(text.trim()));
    });
    child.once("exit", (code) => reject(new Error(`the upstream exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function commandExists(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    child.once("exit", (code) => resolve(code === 0));
    child.once("error", () => resolve(false));
  });
}

function runInherit(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit" });
    child.once("exit", (code) => resolve(code ?? 1));
    child.once("error", () => resolve(1));
  });
}

/** Debian's nginx, installed when missing (as root only). Answers false when it is not available. */
async function ensureNginx(): Promise<boolean> {
  if (existsSync("/usr/sbin/nginx") || (await commandExists("nginx"))) return true;
  if (process.getuid?.() !== 0) {
    console.log("nginx is not installed and this is not root: (b) is left out. `sudo apt-get install -y nginx` adds it.");
    return false;
  }
  console.log("nginx is not installed: installing Debian's package (apt-get install -y nginx)…");
  let code = await runInherit("apt-get", ["install", "-y", "-q", "nginx"]);
  if (code !== 0) {
    await runInherit("apt-get", ["update", "-q"]);
    code = await runInherit("apt-get", ["install", "-y", "-q", "nginx"]);
  }
  if (code !== 0) console.log("nginx could not be installed: (b) is left out.");
  return code === 0;
}

async function nginxVersion(binary: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(binary, ["-v"], { stdio: ["ignore", "ignore", "pipe"] });
    let text = "";
    child.stderr!.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.once("exit", () => resolve(text.trim().replace(/^nginx version:\s*/, "")));
    child.once("error", () => resolve("nginx"));
  });
}

async function startNginx(upstreamUrl: string): Promise<{ url: string; child: ChildProcess; version: string }> {
  const binary = existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
  const dir = mkdtempSync(join(tmpdir(), "portico-bench-nginx-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const upstream = new URL(upstreamUrl);
  // Run by root, nginx would hand its workers to "nobody"; name the current
  // user instead so they can use the temp folder.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};\n` : "";
  const conf = `${user}daemon off;
worker_processes ${NGINX_WORKERS};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  # Client connections live as long as the run, as they do with the gateway
  # (nginx would otherwise close each after 1,000 requests).
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  upstream bench_upstream {
    server ${upstream.host};
    keepalive 256;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
  writeFileSync(join(dir, "nginx.conf"), conf);
  const child = spawn(binary, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  const output = capture(child);
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/items`, child, () => `${output()}${existsSync(join(dir, "error.log")) ? readFileSync(join(dir, "error.log"), "utf8") : ""}`);
  return { url, child, version: await nginxVersion(binary) };
}

interface Gateway {
  url: string;
  child: ChildProcess;
  output: () => string;
}

async function startGateway(databaseUrl: string, env: Record<string, string>): Promise<Gateway> {
  const port = await freePort();
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.REDIS_URL;
  // `node --import tsx` rather than the tsx CLI: one process, so its pid is
  // the gateway's own for /proc/<pid>/status.
  const profile = PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const child = spawnTs("gateway/main.ts", [], { ...base, NODE_ENV: "production", DATABASE_URL: databaseUrl, GATEWAY_PORT: String(port), GATEWAY_HOST: "127.0.0.1", ...env }, [...GATEWAY_NODE_FLAGS, ...profile]);
  const output = capture(child);
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/health`, child, output);
  return { url, child, output };
}

function peakRss(pid: number): { hwmKb: number; rssKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { hwmKb: kb("VmHWM"), rssKb: kb("VmRSS") };
}

async function waitForLowLoad() {
  const deadline = Date.now() + LOAD_WAIT_S * 1000;
  while (load1() > MAX_LOAD && Date.now() < deadline) {
    console.log(`  load average ${load1().toFixed(2)} > ${MAX_LOAD}: waiting 30 s for the machine to calm down…`);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
  }
  if (load1() > MAX_LOAD) console.log(`  load average still ${load1().toFixed(2)} after ${LOAD_WAIT_S} s: measuring anyway; the figures below are pessimistic.`);
}

/** utime + stime of a process, in clock ticks (USER_HZ, 100 a second on Linux); 0 once it is gone. */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** The whole machine's busy and total CPU ticks (all cores), from /proc/stat. */
function machineTicks(): { busy: number; steal: number; total: number } {
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const values = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - values[3] - values[4] - values[7], steal: values[7], total };
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Processes whose CPU is counted per request, by role. */
type Roles = Partial<Record<"upstream" | "proxy" | "redis" | "postgres", number[]>>;

interface Row {
  label: string;
  result: LoadResult;
  load: number;
  /** Requests/s of each round, when there were several. */
  rounds?: number[];
  /** CPU µs per answered request by role ("load generator" included), throughput runs only. */
  cpu?: Record<string, number>;
  /** Share of the machine's CPU (all cores) busy during the run, the part of it outside the roles counted, and the share the hypervisor took (steal). */
  machineBusy?: number;
  others?: number;
  steal?: number;
}

interface Target {
  label: string;
  url: string;
  headers: Record<string, string>;
  roles?: () => Promise<Roles> | Roles;
}

function loadPlan(target: Target, mode: "throughput" | "rate"): LoadPlan {
  return mode === "throughput"
    ? { mode, url: target.url, headers: target.headers, connections: CONNECTIONS, warmupSeconds: 0, durationSeconds: SECONDS }
    : { mode, url: target.url, headers: target.headers, connections: CONNECTIONS, warmupSeconds: 0, durationSeconds: RATE_SECONDS, rate: RATE };
}

/** A load run of its own, so that what happens between it and the measured runs (counting usage rows) is part of neither. */
async function warmUp(target: Target, mode: "throughput" | "rate") {
  const seconds = mode === "throughput" ? WARMUP : RATE_WARMUP;
  if (seconds <= 0) return;
  console.log(`  ${target.label}: warm-up ${seconds} s`);
  await runTs<LoadResult>("bench/gateway-load.ts", [JSON.stringify({ ...loadPlan(target, mode), durationSeconds: seconds })]);
}

/** One measured run, with the CPU time per request of each role from /proc. */
async function measureRun(target: Target, mode: "throughput" | "rate"): Promise<Row> {
  const roles = (await target.roles?.()) ?? {};
  const ticksBefore = new Map<number, number>();
  for (const pids of Object.values(roles)) for (const pid of pids) ticksBefore.set(pid, cpuTicks(pid));
  const machineBefore = machineTicks();
  const load = load1();
  process.stdout.write(`  ${target.label}: measuring ${mode === "throughput" ? SECONDS : RATE_SECONDS} s (load ${load.toFixed(2)})… `);
  const result = await runTs<LoadResult>("bench/gateway-load.ts", [JSON.stringify(loadPlan(target, mode))]);
  const machineAfter = machineTicks();
  console.log(`${Math.round(result.requestsPerSecond).toLocaleString("en")} req/s, p99 ${ms(result.p99)}`);
  const row: Row = { label: target.label, result, load };
  const answered = Math.max(1, result.ok + result.non2xx);
  // Ticks are 10 ms: over 15 s that is well under 1% of any role here.
  const cpu: Record<string, number> = { "load generator": (result.cpuMs * 1000) / answered };
  let ours = result.cpuMs / 10;
  // Asked again: a process that started during the run (a database
  // connection the pool opened) used all its CPU time in it.
  const rolesAfter = (await target.roles?.()) ?? {};
  for (const [role, pids] of Object.entries(rolesAfter)) {
    const ticks = [...new Set([...pids, ...(roles[role as keyof Roles] ?? [])])].reduce((sum, pid) => sum + Math.max(0, cpuTicks(pid) - (ticksBefore.get(pid) ?? 0)), 0);
    cpu[role] = (ticks * 10_000) / answered;
    ours += ticks;
  }
  const total = machineAfter.total - machineBefore.total;
  if (mode === "throughput") row.cpu = cpu;
  row.machineBusy = (machineAfter.busy - machineBefore.busy) / total;
  row.others = Math.max(0, machineAfter.busy - machineBefore.busy - ours) / total;
  row.steal = (machineAfter.steal - machineBefore.steal) / total;
  return row;
}

/**
 * The median run by requests/s, with its own figures: one disturbed run does
 * not decide the result. Of an even count, the lower of the middle two, so
 * the row shown is a run that happened and never flatters the target.
 */
function medianRow(runs: Row[]): Row {
  const median = { ...[...runs].sort((x, y) => x.result.requestsPerSecond - y.result.requestsPerSecond)[Math.floor((runs.length - 1) / 2)] };
  if (runs.length > 1) median.rounds = runs.map((run) => run.result.requestsPerSecond);
  return median;
}

/** The true median: of an even count, the mean of the middle two (never the better one). */
function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}


function assertRunning(child: ChildProcess, what: string) {
  if (child.exitCode !== null || child.signalCode !== null) {
    throw new Error(`${what} ended during the run (${child.signalCode ?? `exit ${child.exitCode}`}), stopped by something outside this benchmark: its figures are void.`);
  }
}

async function expectResponse(label: string, url: string, headers: Record<string, string>, check: (response: Response, body: string) => string | null) {
  const response = await fetch(url, { headers });
  const body = await response.text();
  const problem = check(response, body);
  if (problem) throw new Error(`${label}: ${problem} (status ${response.status}: ${body.slice(0, 200)})`);
}

/** redis-server's pid when it runs on this machine (its CPU is then counted; it may also serve others). */
async function redisPid(redis: Redis): Promise<number[]> {
  if (!["127.0.0.1", "localhost", "[::1]"].includes(new URL(REDIS_URL).hostname)) return [];
  try {
    if (redis.status === "wait") await redis.connect();
    const pid = Number(/process_id:(\d+)/.exec(await redis.info("server"))?.[1]);
    return Number.isFinite(pid) ? [pid] : [];
  } catch {
    return [];
  }
}

/** The PostgreSQL backends serving the bench database (the gateway's pool and its LISTEN connection). */
async function backendPids(databaseUrl: string, name: string): Promise<number[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

async function countUsage(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "UsageEvent"`);
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/** Waits until the gateway has written every buffered usage row (its health reports what is pending). */
async function usageSettled(gateway: Gateway): Promise<{ pending: number }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const health = (await fetch(`${gateway.url}/health`).then((r) => r.json())) as { usagePending?: number };
    const pending = health.usagePending ?? 0;
    // A flush in progress has already taken its rows out of the buffer:
    // wait one more flush interval once the buffer is empty.
    if (pending === 0) {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return { pending: 0 };
    }
    if (Date.now() > deadline) return { pending };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function usageDropped(gateway: Gateway): Promise<number> {
  const text = await fetch(`${gateway.url}/metrics`).then((r) => r.text());
  return Number(/^portico_gateway_usage_dropped_total (\d+)/m.exec(text)?.[1] ?? 0);
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : "—");
const verdict = (met: boolean) => (met ? "PASS" : "NOT MET");

function printThroughput(rows: Row[]) {
  console.log(`\n${"".padEnd(64)}${"req/s".padStart(9)}${"p50".padStart(10)}${"p99".padStart(10)}${"non-2xx".padStart(9)}${"errors".padStart(8)}${"load".padStart(7)}`);
  for (const { label, result, load } of rows) {
    console.log(
      `${label.padEnd(64)}${Math.round(result.requestsPerSecond).toLocaleString("en").padStart(9)}${ms(result.p50).padStart(10)}${ms(result.p99).padStart(10)}${String(result.non2xx).padStart(9)}${String(result.errors).padStart(8)}${load.toFixed(2).padStart(7)}`,
    );
  }
  console.log("  (load: the 1-minute load average as the measured run started, this benchmark's own processes included.)");
  const repeated = rows.filter((row) => row.rounds);
  if (repeated.length) {
    console.log(`  (each row: the median of ${ROUNDS} runs; all runs, req/s: ${repeated.map((row) => `${row.label.slice(0, 3)} ${row.rounds!.map((n) => Math.round(n).toLocaleString("en")).join(" / ")}`).join("; ")})`);
  }
}

function printCpu(rows: Row[]) {
  const roles = ["load generator", "upstream", "proxy", "redis", "postgres"];
  console.log(`\nCPU time per request, µs (from /proc):\n${"".padEnd(6)}${roles.map((role) => role.padStart(15)).join("")}   machine busy (others, steal)`);
  for (const row of rows) {
    if (!row.cpu) continue;
    const cells = roles.map((role) => (row.cpu![role] === undefined ? "—" : row.cpu![role].toFixed(0)).padStart(15)).join("");
    console.log(`${row.label.slice(0, 3).padEnd(6)}${cells}   ${((row.machineBusy ?? 0) * 100).toFixed(0)}% (${((row.others ?? 0) * 100).toFixed(0)}%, ${((row.steal ?? 0) * 100).toFixed(0)}%)`);
  }
  console.log("  (machine busy: all cores together; others: what no process above used, i.e. other people's work on this machine; steal: time the hypervisor gave to other machines. redis-server may also serve others.)");
  for (const row of rows) {
    if ((row.others ?? 0) > DISTURBED) console.log(`  warning: other work used ${((row.others ?? 0) * 100).toFixed(0)}% of the machine during ${row.label.slice(0, 3)}: its figures are disturbed.`);
  }
}

async function main() {
  console.log(
    `bench:gateway — ${CONNECTIONS} connections, the median of ${ROUNDS} runs of ${SECONDS} s after a ${WARMUP} s warm-up, per target; ${cpus().length} cores; load average ${loadavg().map((n) => n.toFixed(2)).join(" ")}`,
  );
  await waitForLowLoad();
  const haveNginx = TARGETS.has("b") && (await ensureNginx());

  const database = await createDatabase("portico_bench");
  cleanups.push(async () => {
    if (process.env.BENCH_KEEP) console.log(`kept database ${database.name}`);
    else await dropDatabase(database.name);
  });
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let subscriptionId: string | null = null;
  cleanups.push(async () => {
    // The limiter's counters of this run's subscription.
    if (!subscriptionId) return redis.disconnect();
    try {
      await redis.connect().catch(() => undefined);
      const keys = await redis.keys(`portico:rl:{${subscriptionId}}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  console.log(`Database ${database.name}: migrating…`);
  await migrateDeploy(database.url);
  const upstream = await startUpstream();
  const world = await runTs<BenchWorld>("bench/gateway-world.ts", [upstream.url], { ...process.env, DATABASE_URL: database.url });
  subscriptionId = world.subscriptionId;
  const nginx = haveNginx ? await startNginx(upstream.url) : null;

  const path = "/items?limit=10";
  const keyed = { "x-api-key": world.key };
  const is1k = (response: Response, body: string) => (response.status !== 200 ? "not 200" : Buffer.byteLength(body) !== 1024 ? `a ${Buffer.byteLength(body)}-byte body, not 1 KB` : null);
  await expectResponse("(a)", `${upstream.url}${path}`, {}, is1k);
  if (nginx) await expectResponse("(b)", `${nginx.url}${path}`, {}, is1k);

  const upstreamRole = { upstream: [upstream.child.pid!] };
  const targets: Target[] = [];
  if (TARGETS.has("a")) targets.push({ label: "(a) upstream directly (node:http, 1 KB JSON)", url: `${upstream.url}${path}`, headers: {}, roles: () => upstreamRole });
  if (nginx) {
    const nginxPid = nginx.child.pid!;
    targets.push({
      label: `(b) ${nginx.version} reverse proxy (${NGINX_WORKERS} worker${NGINX_WORKERS === "1" ? "" : "s"})`,
      url: `${nginx.url}${path}`,
      headers: {},
      roles: () => ({ ...upstreamRole, proxy: [nginxPid, ...childPids(nginxPid)] }),
    });
  }
  // Every server runs for the whole benchmark; the ones not being measured sit idle.
  const bare = TARGETS.has("c") ? await startGateway(database.url, { GATEWAY_LIMITS: "off", GATEWAY_USAGE: "off", GATEWAY_ID: "bench-c" }) : null;
  if (bare) {
    const bareUrl = `${bare.url}/${world.bareSlug}/v1${path}`;
    await expectResponse("(c)", bareUrl, {}, is1k);
    targets.push({ label: "(c) gateway, no key/limit/log (keyless API)", url: bareUrl, headers: {}, roles: () => ({ ...upstreamRole, proxy: [bare.child.pid!] }) });
  }
  const full = TARGETS.has("d") ? await startGateway(database.url, { REDIS_URL, GATEWAY_ID: "bench-d" }) : null;
  const fullUrl = full ? `${full.url}/${world.keyedSlug}/v1${path}` : "";
  const fullRoles = async () => ({ ...upstreamRole, proxy: [full!.child.pid!], redis: await redisPid(redis), postgres: await backendPids(database.url, database.name) });
  if (full) {
    await expectResponse("(d) without a key", fullUrl, {}, (response) => (response.status === 401 ? null : "a request without a key was not refused"));
    await expectResponse("(d)", fullUrl, keyed, (response, body) => {
      const missing = ["deprecation", "sunset", "link", "ratelimit", "ratelimit-policy"].filter((name) => !response.headers.get(name));
      if (missing.length) return `missing headers: ${missing.join(", ")}`;
      return is1k(response, body);
    });
    const health = (await fetch(`${full.url}/health`).then((r) => r.json())) as { limiter?: string };
    if (health.limiter !== "redis") throw new Error(`(d): the gateway's limiter is ${health.limiter}, not redis`);
    targets.push({ label: "(d) gateway, key + Redis limits + usage log + lifecycle headers", url: fullUrl, headers: keyed, roles: fullRoles });
  }

  // The constant-rate runs come first, on a calm machine: after the
  // throughput runs PostgreSQL is busy for a while with the half million
  // usage rows they wrote (autovacuum), which is the benchmark's own
  // aftermath, not what a gateway at 1,000 requests/s sees.
  const rateTargets = TARGETS.has("a") && full;
  let rateDirect: Row | null = null;
  let rateFull: Row | null = null;
  if (rateTargets) {
    await waitForLowLoad();
    console.log(`\nAt a constant ${RATE.toLocaleString("en")} requests/s (${RATE_SECONDS} s after ${RATE_WARMUP} s, up to ${CONNECTIONS} connections):`);
    const direct: Target = { label: "(a) upstream directly", url: `${upstream.url}${path}`, headers: {}, roles: () => upstreamRole };
    const gateway: Target = { label: "(d) gateway, full", url: fullUrl, headers: keyed, roles: fullRoles };
    await warmUp(direct, "rate");
    rateDirect = await measureRun(direct, "rate");
    await warmUp(gateway, "rate");
    rateFull = await measureRun(gateway, "rate");
    assertRunning(full.child, "The gateway (d)");
    console.log("");
  }
  /*
   * Throughput of each target, the targets taking turns: round 1 runs each
   * once, then round 2, and so on. The machine's own speed drifts by tens of
   * percent over minutes here (every process, the load generator included,
   * gets slower and faster together), so targets compared by a ratio are
   * measured side by side in time, and the ratio is taken per round.
   */
  const runs = await (async () => {
    for (const target of targets) await warmUp(target, "throughput");
    // Usage rows are counted from after the warm-ups and the checks above.
    if (full) await usageSettled(full);
    const usageBefore = full ? await countUsage(database.url) : 0;
    console.log(`Measuring in ${ROUNDS} round${ROUNDS === 1 ? "" : "s"}, the targets taking turns:`);
    const perTarget: Row[][] = targets.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, target] of targets.entries()) perTarget[i].push(await measureRun(target, "throughput"));
    }
    return { perTarget, usageBefore };
  })();
  if (bare) assertRunning(bare.child, "The gateway (c)");
  if (full) assertRunning(full.child, "The gateway (d)");
  const rows = runs.perTarget.map(medianRow);
  const runsOf = (prefix: string) => runs.perTarget[targets.findIndex((target) => target.label.startsWith(prefix))];
  /** The median over rounds of x's requests/s over y's in the same round. */
  const ratio = (x: string, y: string) => {
    const xs = runsOf(x);
    const ys = runsOf(y);
    return xs && ys ? median(xs.map((run, i) => run.result.requestsPerSecond / ys[i].result.requestsPerSecond)) : null;
  };
  if (nginx) await stopChild(nginx.child);
  if (bare) await stopChild(bare.child);

  let usage: { rows: number; settled: { pending: number }; dropped: number; memory: { hwmKb: number; rssKb: number } } | null = null;
  if (full) {
    const memory = peakRss(full.child.pid!);
    const settled = await usageSettled(full);
    usage = { rows: (await countUsage(database.url)) - runs.usageBefore, settled, dropped: await usageDropped(full), memory };
  }

  if (full) await stopChild(full.child);
  await stopChild(upstream.child);

  printThroughput(rows);
  printCpu(rows);
  const unclean = rows.filter((row) => row.result.non2xx > 0 || row.result.errors > 0);
  for (const row of unclean) console.log(`  warning: ${row.label.slice(0, 3)} had ${row.result.non2xx} non-2xx answers (${JSON.stringify(row.result.statusCodes)}) and ${row.result.errors} errors: not a clean measurement.`);

  console.log(`\nRatios: per round, of the runs made side by side; the median over the ${ROUNDS} rounds.`);
  const dc = ratio("(d)", "(c)");
  const cb = ratio("(c)", "(b)");
  if (dc !== null) console.log(`(d)/(c) requests/s: ${(dc * 100).toFixed(0)}% (target ≥ 70%): ${verdict(dc >= 0.7)}`);
  if (cb !== null) console.log(`(c)/nginx requests/s: ${(cb * 100).toFixed(0)}% (target ≥ 50%): ${verdict(cb >= 0.5)}`);
  else if (TARGETS.has("b")) console.log("(c)/nginx requests/s: not measured (no nginx)");
  const ca = ratio("(c)", "(a)");
  const da = ratio("(d)", "(a)");
  if (ca !== null || da !== null) console.log(`(c)/(a), (d)/(a) requests/s: ${ca !== null ? `${(ca * 100).toFixed(0)}%` : "—"}, ${da !== null ? `${(da * 100).toFixed(0)}%` : "—"}`);
  if (!rateDirect || !rateFull || !usage) return;

  console.log(`\nAt ${RATE.toLocaleString("en")} requests/s${"".padEnd(16)}${"req/s".padStart(8)}${"p50".padStart(10)}${"p99".padStart(10)}${"max".padStart(10)}   p50/p99 from send${"load".padStart(7)}   others`);
  for (const { label, result, load, others } of [rateDirect, rateFull]) {
    console.log(
      `${label.padEnd(37)}${Math.round(result.requestsPerSecond).toLocaleString("en").padStart(8)}${ms(result.p50).padStart(10)}${ms(result.p99).padStart(10)}${ms(result.max).padStart(10)}   ${ms(result.sentP50 ?? NaN)} / ${ms(result.sentP99 ?? NaN)}${load.toFixed(2).padStart(7)}   ${((others ?? 0) * 100).toFixed(0)}%`,
    );
  }
  for (const row of [rateDirect, rateFull]) {
    if (row.result.non2xx > 0 || row.result.errors > 0) console.log(`  warning: ${row.label.slice(0, 3)} had ${row.result.non2xx} non-2xx answers and ${row.result.errors} errors.`);
  }
  for (const row of [rateDirect, rateFull]) {
    if ((row.others ?? 0) > DISTURBED) console.log(`  warning: other work used ${((row.others ?? 0) * 100).toFixed(0)}% of the machine during ${row.label.slice(0, 3)} at ${RATE.toLocaleString("en")} requests/s: its p99 is disturbed.`);
  }
  const extra = rateFull.result.p99 - rateDirect.result.p99;
  console.log(`(d) p99 − (a) p99 at ${RATE.toLocaleString("en")} requests/s: ${extra.toFixed(2)} ms (target ≤ 5 ms): ${verdict(extra <= 5)}`);
  console.log("  (p50/p99 are counted from when each request was due, wrk2-style; \"from send\" from when it was written.)");

  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  console.log(`\nGateway (d): peak RSS (VmHWM) ${mb(usage.memory.hwmKb)} (RSS ${mb(usage.memory.rssKb)} at the end of the measured runs)`);
  const answered = runsOf("(d)").reduce((sum, run) => sum + run.result.ok + run.result.non2xx, 0);
  const { rows: usageRows, settled, dropped } = usage;
  console.log(
    `Usage rows written during the measured ${ROUNDS > 1 ? `${ROUNDS} × ` : ""}${SECONDS} s of (d): ${usageRows.toLocaleString("en")} for ${answered.toLocaleString("en")} responses counted by autocannon (${((usageRows / answered) * 100).toFixed(1)}%; requests in flight when it stopped are recorded but not counted by it); still buffered: ${settled.pending}; dropped: ${dropped}`,
  );
}

async function cleanup() {
  for (const child of [...children]) await stopChild(child);
  for (const step of cleanups.reverse()) {
    try {
      await step();
    } catch (error) {
      console.error(`cleanup: ${(error as Error).message}`);
    }
  }
  cleanups.length = 0;
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.log(`\n${signal}: cleaning up…`);
    void cleanup().finally(() => process.exit(130));
  });
}

main()
  .then(cleanup, async (error: Error) => {
    console.error(error.stack ?? error.message);
    await cleanup();
    process.exitCode = 1;
  })
  .then(() => process.exit());
