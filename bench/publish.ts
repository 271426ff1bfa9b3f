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
// Each step runs in a fresh process, so its peak memory is its own: the
// figure is the process's peak resident set (getrusage maxRSS, what
// /usr/bin/time -v reports), which catches peaks inside synchronous work that
// a sampling timer would miss. Times are the median of BENCH_ROUNDS runs (3).
// Targets (2 cores): whole check under 10 s, peak under 1.5 GiB.
//
// The fixtures come from `npm run fixtures:fetch` (run automatically when missing).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { FIXTURE_FILES, FIXTURES_DIR, fetchFixtures } from "../scripts/fetch-fixtures";
import { parseSpec } from "@/lib/specs/parse";
import { lintSpec } from "@/lib/specs/lint";
// ---- diff step: lib/specs/diff.ts (diffSpecs(before, after)) ---------------
import { diffSpecs } from "@/lib/specs/diff";
import type { OpenApiDocument } from "@/lib/specs/operations";

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
  // ---- REST upload step (to come) -------------------------------------------
  // The end-to-end upload of api.github.com.json through POST
  // /api/v1/apis/{slug}/versions belongs here once the route exists: start the
  // production server on a throwaway database, time the request, and print
  // catalog search p95 measured while it runs.
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
