// npm run bench:publish — what one upload costs on real, large documents.
//
//   1. parse + validate GitHub's REST API description (api.github.com.json,
//      13 MB, OpenAPI 3.0.3): parseSpec (syntax, limits, $refs, version);
//   2. lint it (struct validation + governance rules): lintSpec;
//   3. diff GitHub Enterprise Server 3.18 → 3.19: diffSpecs;
//   4. the whole check of one upload as the upload path runs it: parse
//      ghes-3.19, lint it, diff it against ghes-3.18 (loaded the way a stored
//      version is: JSON.parse of its stored document).
//
//   5. rulesets: an imported Spectral-style ruleset (the style-guide test
//      fixture, lib/specs/fixtures/rulesets/acme-api-style.yaml: 12 typical
//      rules, some over the whole document) read, then evaluated on
//      api.github.com.json: what it adds to the lint of an upload;
//
//   6. the end-to-end upload of api.github.com.json through POST
//      /api/v1/apis/{slug}/versions of the production server (`next start`,
//      needs a build in .next) on a throwaway database, twice: as the JSON
//      body { source } and as the document itself; with the catalog search
//      sampled while each runs, and the peak memory of the upload process
//      (BENCH_SKIP_REST=1 leaves it out, BENCH_ONLY_REST=1 runs it alone).
//
// Each step runs in a fresh process, so its peak memory is its own: the
// figure is the process's peak resident set (getrusage maxRSS, what
// /usr/bin/time -v reports), which catches peaks inside synchronous work that
// a sampling timer would miss. Times are the median of BENCH_ROUNDS runs (3).
// Targets (2 cores): whole check under 10 s, peak under 1.5 GiB.
//
// The fixtures come from `npm run fixtures:fetch` (run automatically when missing).
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { Client } from "pg";
import { createDatabase, dropDatabase, migrateDeploy } from "../tests/integration/database";
import { bin } from "../scripts/run";
import { hashSecret } from "@/lib/crypto";
import { FIXTURE_FILES, FIXTURES_DIR, fetchFixtures } from "../scripts/fetch-fixtures";
import { parseSpec } from "@/lib/specs/parse";
import { lintSpec } from "@/lib/specs/lint";
import { evaluateRulesets, parseRuleset } from "@/lib/specs/rulesets";
// ---- diff step: lib/specs/diff.ts (diffSpecs(before, after)) ---------------
import { diffSpecs } from "@/lib/specs/diff";
import type { OpenApiDocument } from "@/lib/specs/operations";
import { freePort } from "../lib/net/free-port";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET_MS = 10_000;
const TARGET_BYTES = 1.5 * 1024 ** 3;

interface Timing {
  label: string;
  ms: number;
  note?: string;
}

interface StepResult {
  timings: Timing[];
  /** Peak resident set of the step's process, in bytes. */
  peakRss: number;
}

const fixture = (name: string) => readFileSync(join(FIXTURES_DIR, name), "utf8");
const peakRss = () => process.resourceUsage().maxRSS * 1024;

async function timed<T>(timings: Timing[], label: string, work: () => Promise<T> | T, note?: (result: T) => string): Promise<T> {
  const started = performance.now();
  const result = await work();
  timings.push({ label, ms: performance.now() - started, note: note?.(result) });
  return result;
}

// ---------------------------------------------------------------------------
// Steps (each in its own process)

const STEPS: Record<string, () => Promise<Timing[]>> = {
  async github() {
    const timings: Timing[] = [];
    const text = fixture("api.github.com.json");
    const parsed = await timed(timings, "parse + validate api.github.com.json", () => parseSpec(text), (p) => `${(text.length / 1024 / 1024).toFixed(1)} MB, OpenAPI ${p.document.openapi}`);
    await timed(
      timings,
      "lint api.github.com.json",
      () => lintSpec(parsed, {}, { context: { visibility: "PUBLIC" } }),
      (report) => `${report.errors} errors, ${report.warnings} warnings`,
    );
    return timings;
  },

  // ---- diff step ------------------------------------------------------------
  // Times lib/specs/diff.ts's diffSpecs on successive GitHub Enterprise Server
  // descriptions. The documents are parsed first (not timed here: steps 1 and
  // 4 time parsing).
  async diff() {
    const timings: Timing[] = [];
    const before = (await parseSpec(fixture("ghes-3.18.json"))).document;
    const after = (await parseSpec(fixture("ghes-3.19.json"))).document;
    await timed(timings, "diff ghes-3.18 → ghes-3.19", () => diffSpecs(before, after), (report) => `${report.changes.length} changes: ${report.breaking} breaking, ${report.nonBreaking} non-breaking, ${report.annotation} annotations`);
    return timings;
  },

  async upload() {
    const timings: Timing[] = [];
    // The previous version as the upload path gets it: its stored document.
    const previous = await timed(timings, "load previous version (ghes-3.18, stored JSON)", () => JSON.parse(fixture("ghes-3.18.json")) as OpenApiDocument);
    const text = fixture("ghes-3.19.json");
    const started = performance.now();
    const parsed = await timed(timings, "  parse + validate ghes-3.19", () => parseSpec(text));
    await timed(timings, "  lint ghes-3.19", () => lintSpec(parsed, {}, { context: { visibility: "PUBLIC" } }), (r) => `${r.errors} errors, ${r.warnings} warnings`);
    await timed(timings, "  diff against ghes-3.18", () => diffSpecs(previous, parsed.document), (r) => `${r.breaking} breaking`);
    timings.push({ label: "whole check (parse + validate + lint + diff)", ms: performance.now() - started });
    return timings;
  },

  // ---- rulesets step: lib/specs/rulesets.ts ---------------------------------
  async rulesets() {
    const timings: Timing[] = [];
    const parsed = await parseSpec(fixture("api.github.com.json"));
    const source = readFileSync(join(__dirname, "..", "lib", "specs", "fixtures", "rulesets", "acme-api-style.yaml"), "utf8");
    const imported = await timed(timings, "read a ruleset (acme-api-style.yaml)", () => parseRuleset(source, { name: "acme" }), (result) => `${result.counts.accepted} rules, ${result.counts.mapped} mapped`);
    await timed(timings, "  evaluate it on api.github.com.json", () => evaluateRulesets(parsed, [imported.definition]), (problems) => `${problems.length} findings (target: well under 2 s)`);
    return timings;
  },
};

// ---------------------------------------------------------------------------
// Runner

function runStep(name: string): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, "--step", name], { stdio: ["ignore", "pipe", "inherit"], env: process.env });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) return reject(new Error(`step ${name} failed (exit ${code}): ${out}`));
      resolve(JSON.parse(line) as StepResult);
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;

async function main() {
  if (!FIXTURE_FILES.every((file) => existsSync(join(FIXTURES_DIR, file)))) await fetchFixtures();
  if (process.env.BENCH_ONLY_REST) return restUpload();
  console.log(`bench:publish — ${ROUNDS} round(s) per step, each step in a fresh process; load average ${loadavg().map((n) => n.toFixed(2)).join(" ")}\n`);
  let wholeCheck = { ms: 0, peak: 0 };
  for (const name of Object.keys(STEPS)) {
    const runs: StepResult[] = [];
    for (let round = 0; round < ROUNDS; round++) runs.push(await runStep(name));
    const peak = Math.max(...runs.map((run) => run.peakRss));
    runs[0].timings.forEach((timing, index) => {
      const ms = median(runs.map((run) => run.timings[index].ms));
      const range = runs.length > 1 ? ` (${seconds(Math.min(...runs.map((run) => run.timings[index].ms)))}–${seconds(Math.max(...runs.map((run) => run.timings[index].ms)))})` : "";
      console.log(`${timing.label.padEnd(50)} ${seconds(ms).padStart(8)}${range.padEnd(20)} ${timing.note ?? ""}`);
      if (timing.label.startsWith("whole check")) wholeCheck = { ms, peak };
    });
    console.log(`${"peak memory of this step's process".padEnd(50)} ${mib(peak).padStart(8)}\n`);
  }
  const ok = wholeCheck.ms <= TARGET_MS && wholeCheck.peak <= TARGET_BYTES;
  console.log(`whole check of one upload: ${seconds(wholeCheck.ms)} (target ≤ ${seconds(TARGET_MS)}), peak ${mib(wholeCheck.peak)} (target ≤ ${mib(TARGET_BYTES)}): ${ok ? "within target" : "OVER TARGET"}`);
  if (!process.env.BENCH_SKIP_REST) await restUpload();
}

// ---------------------------------------------------------------------------
// REST upload: api.github.com.json through POST /api/v1/apis/{slug}/versions
// of the production server (`next start`) on a throwaway database, with the
// catalog search (GET /api/v1/apis?q=…) sampled before and while it runs.

const SEARCH_QUERIES = ["github", "repos", "issues", "payments", "zzqx", ""];


/** A team, its OWNER and a personal access token, inserted directly (as bench:catalog does). */
async function seedOwner(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const now = new Date();
    const teamId = randomUUID();
    const userId = randomUUID();
    await client.query(`INSERT INTO "Team" ("id", "slug", "name", "updatedAt") VALUES ($1, 'bench', 'Bench', $2)`, [teamId, now]);
    await client.query(`INSERT INTO "User" ("id", "email", "name", "updatedAt") VALUES ($1, 'bench@portico.bench', 'Bench User', $2)`, [userId, now]);
    await client.query(`INSERT INTO "Membership" ("id", "teamId", "userId", "role", "updatedAt") VALUES ($1, $2, $3, 'OWNER', $4)`, [randomUUID(), teamId, userId, now]);
    const token = `ptc_pat_${randomBytes(32).toString("base64url")}`;
    await client.query(`INSERT INTO "PersonalAccessToken" ("id", "userId", "name", "prefix", "tokenHash") VALUES ($1, $2, 'bench', $3, $4)`, [randomUUID(), userId, token.slice(0, 14), hashSecret(token)]);
    return token;
  } finally {
    await client.end();
  }
}

/** Peak resident set (VmHWM) of each process in the group, in bytes. */
async function groupPeakRss(pgid: number): Promise<number> {
  const { readdir } = await import("node:fs/promises");
  let peak = 0;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 5 (after the parenthesised command name) is the process group.
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) !== pgid) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, "utf8"));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
    } catch {
      // The process ended meanwhile.
    }
  }
  return peak;
}

/**
 * Peak resident set of the processes that check and store an upload
 * (scripts/store-version.ts; scripts/check-spec.ts before it). They run in a
 * process group of their own, so groupPeakRss does not see them: they are
 * sampled while they live (VmHWM keeps their high-water mark).
 */
function watchUploadProcesses(): { stop(): number } {
  let peak = 0;
  const watched = new Set<string>();
  let sweeps = 0;
  // A full pass over /proc only every 500 ms: the bench's own event loop
  // times the searches, and must not be the one that stalls.
  const sample = () => {
    if (sweeps++ % 5 === 0) {
      for (const entry of readdirSync("/proc")) {
        if (!/^\d+$/.test(entry) || watched.has(entry)) continue;
        try {
          if (/scripts\/(store-version|check-spec)\.ts/.test(readFileSync(`/proc/${entry}/cmdline`, "utf8"))) watched.add(entry);
        } catch {
          // The process ended meanwhile.
        }
      }
    }
    for (const pid of watched) {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
      } catch {
        watched.delete(pid);
      }
    }
  };
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

interface SentUpload {
  elapsed: number;
  status: number;
  json: { type?: string; detail?: string; lintReport?: { errors: number; warnings: number } };
}

/** POSTs a file's bytes from a process of its own; answers the status, the time to the answer, and the answer's gist. */
function sendFromAnotherProcess(url: string, headers: Record<string, string>, file: string): Promise<SentUpload> {
  const script = `
    const body = require("node:fs").readFileSync(process.argv[1]);
    const started = performance.now();
    fetch(process.argv[2], { method: "POST", headers: JSON.parse(process.argv[3]), body }).then(async (response) => {
      const elapsed = performance.now() - started;
      const json = await response.json();
      const lintReport = json.lintReport && { errors: json.lintReport.errors, warnings: json.lintReport.warnings };
      process.stdout.write(JSON.stringify({ elapsed, status: response.status, json: { type: json.type, detail: json.detail, lintReport } }));
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script, file, url, JSON.stringify(headers)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as SentUpload) : reject(new Error(`the upload process failed (exit ${code})`))));
  });
}

function percentile(samples: number[], p: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const ms = (value: number) => `${value.toFixed(1)} ms`;
const latencies = (samples: number[]) =>
  samples.length ? `n=${samples.length}, p50 ${ms(percentile(samples, 50))}, p95 ${ms(percentile(samples, 95))}, max ${ms(Math.max(...samples))}` : "no samples";

async function restUpload() {
  console.log("\nREST upload (next start, fresh database)");
  if (!existsSync(".next/BUILD_ID")) {
    console.log("  skipped: no production build in .next (run `npm run build` first); the bench does not build by itself.");
    return;
  }
  const text = fixture("api.github.com.json");
  const database = await createDatabase("portico_bench_publish");
  // The server's output, shown when the upload fails.
  const logPath = join(tmpdir(), `portico-bench-publish-${process.pid}.log`);
  const serverLog = openSync(logPath, "w");
  let server: ReturnType<typeof spawn> | undefined;
  try {
    await migrateDeploy(database.url);
    const token = await seedOwner(database.url);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawn(bin("next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
      env: { ...process.env, DATABASE_URL: database.url, NEXTAUTH_SECRET: "bench", NEXTAUTH_URL: base, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", serverLog, serverLog],
      detached: true,
    });
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/api/health`).then((r) => r.status).catch(() => 0)) === 200) break;
      if (i > 600) throw new Error("server did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const created = await fetch(`${base}/api/v1/apis`, { method: "POST", headers: auth, body: JSON.stringify({ team: "bench", slug: "github", name: "GitHub REST API", visibility: "PUBLIC" }) });
    if (created.status !== 201) throw new Error(`POST /api/v1/apis answered ${created.status}: ${await created.text()}`);

    const search = async (q: string) => {
      const started = performance.now();
      const response = await fetch(`${base}/api/v1/apis?limit=20${q ? `&q=${encodeURIComponent(q)}` : ""}`, { headers: auth });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`search answered ${response.status}`);
      return performance.now() - started;
    };
    // Warm up, then the idle baseline.
    for (const q of SEARCH_QUERIES) await search(q);
    const idle: number[] = [];
    for (let round = 0; round < 20; round++) for (const q of SEARCH_QUERIES) idle.push(await search(q));
    console.log(`  load average ${loadavg().map((n) => n.toFixed(2)).join(" ")}`);

    console.log(`${"catalog search, idle".padEnd(50)} ${latencies(idle)}`);
    const uploads = [
      // The JSON body the CLI sends: the document escaped inside { source }.
      { label: "POST …/versions, JSON body { source } (13 MB)", contentType: "application/json", query: "", body: JSON.stringify({ source: text }) },
      // The document itself as the body, the version beside it in the query.
      { label: "POST …/versions, the document as the body", contentType: "application/vnd.oai.openapi+json", query: "?version=99.0.0", body: text },
    ];
    for (const upload of uploads) {
      const during: number[] = [];
      // When the slow ones started, in seconds into the upload: which phase stalls the server.
      const slow: string[] = [];
      let uploading = true;
      const processPeak = watchUploadProcesses();
      const bodyFile = join(tmpdir(), `portico-bench-publish-body-${process.pid}`);
      writeFileSync(bodyFile, upload.body);
      const started = performance.now();
      // Sent by another process: encoding 13 MB and parsing the answer here
      // would stall this event loop, which times the searches.
      const uploaded = sendFromAnotherProcess(`${base}/api/v1/apis/github/versions${upload.query}`, { ...auth, "content-type": upload.contentType }, bodyFile).then((result) => {
        uploading = false;
        return result;
      });
      // One search after another (each waits for the previous answer) while the upload runs.
      const sampler = (async () => {
        let index = 0;
        while (uploading) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          if (!uploading) break;
          const at = (performance.now() - started) / 1000;
          const latency = await search(SEARCH_QUERIES[index++ % SEARCH_QUERIES.length]);
          // A search answered after the upload ended still waited during it.
          during.push(latency);
          if (latency > 50) slow.push(`${ms(latency)} at ${at.toFixed(1)} s`);
        }
      })();
      const result = await uploaded;
      await sampler;
      unlinkSync(bodyFile);
      const uploadPeak = processPeak.stop();
      const peak = server.pid ? await groupPeakRss(server.pid) : 0;
      const label = upload.label.padEnd(50);
      if (result.status === 201) {
        const lint = result.json.lintReport!;
        console.log(`${label} ${seconds(result.elapsed).padStart(8)}   ${(upload.body.length / 1024 / 1024).toFixed(1)} MB body, 201, ${lint.errors} lint errors, ${lint.warnings} warnings`);
      } else {
        // Still print the figures: the time to the refusal and the search latency are worth seeing.
        process.exitCode = 1;
        console.log(`${label} ${seconds(result.elapsed).padStart(8)}   FAILED: ${result.status} ${String(result.json.type ?? "")} ${String(result.json.detail ?? "")}`);
        const log = readFileSync(logPath, "utf8");
        const firstError = log.indexOf("[portico] unexpected error");
        console.log(`  server log (${logPath}):\n${(firstError >= 0 ? log.slice(firstError) : log).slice(0, 2000).replace(/^/gm, "    ")}`);
      }
      console.log(`${"  peak memory of the server's processes".padEnd(50)} ${mib(peak).padStart(8)}`);
      console.log(`${"  peak memory of the upload process".padEnd(50)} ${mib(uploadPeak).padStart(8)}`);
      console.log(`${"  catalog search, during the upload".padEnd(50)} ${latencies(during)}`);
      if (slow.length) console.log(`${"    over 50 ms".padEnd(50)} ${slow.join(", ")}`);
    }
    console.log(`  (target: catalog search p95 ≤ 30 ms, see bench:catalog; this database holds one API, so the figures show the server's responsiveness, not the search itself)`);
  } finally {
    // The whole process group: `next start` runs the server in a child process.
    if (server?.pid) process.kill(-server.pid, "SIGTERM");
    closeSync(serverLog);
    await dropDatabase(database.name);
  }
}

const stepIndex = process.argv.indexOf("--step");
if (stepIndex !== -1) {
  const name = process.argv[stepIndex + 1];
  STEPS[name]()
    .then((timings) => {
      process.stdout.write(`${JSON.stringify({ timings, peakRss: peakRss() } satisfies StepResult)}\n`);
      process.exit(0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
