import { spawn } from "node:child_process";
import { join } from "node:path";
import { AppError, type ErrorKind, type FieldError } from "@/lib/errors";
import type { ApiVisibility, GovernanceConfig, LintReport } from "./lint";
import type { ParsedSpec } from "./parse";

interface CheckResult {
  parsed: ParsedSpec;
  lintReport: LintReport;
}

/**
 * A check that runs longer than this is stopped. GitHub's 13 MB description
 * takes about 10 s; the limit is there for what an imported ruleset can still
 * do despite the import checks (a slow regular expression on a long string).
 */
const CHECK_TIMEOUT_MS = 180_000;

/**
 * Parses, validates and lints a document in a child process
 * (scripts/check-spec.ts): the same functions as in-process, off the web
 * server's event loop. Refusals come back as the same AppErrors. The
 * governance settings (built-in rule severities, enabled rulesets) go to the
 * child with the document.
 */
export function checkSpec(source: string, governance: GovernanceConfig, visibility: ApiVisibility, options: { timeoutMs?: number } = {}): Promise<CheckResult> {
  const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    // A process group of its own: tsx runs the script in a child of its own,
    // and a stopped check must stop both.
    const child = spawn(join(process.cwd(), "node_modules", ".bin", "tsx"), [join(process.cwd(), "scripts", "check-spec.ts")], { stdio: ["pipe", "pipe", "pipe"], detached: true });
    const out: Buffer[] = [];
    let err = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut) return reject(new Error(`The document check was stopped after ${timeoutMs / 1000} s (a slow rule of an imported ruleset?).`));
      if (code !== 0) return reject(new Error(`The document check failed (exit ${code}): ${err.slice(0, 2000)}`));
      const result = JSON.parse(Buffer.concat(out).toString("utf8")) as
        | { ok: true; parsed: Omit<ParsedSpec, "sourceText" | "original">; lintReport: LintReport }
        | { ok: false; error: { kind: ErrorKind; code?: string; message: string; errors: FieldError[] } };
      if (!result.ok) return reject(new AppError(result.error.kind, result.error.message, { code: result.error.code, errors: result.error.errors }));
      resolve({ parsed: { ...result.parsed, original: undefined, sourceText: source }, lintReport: result.lintReport });
    });
    child.stdin.end(JSON.stringify({ source, settings: governance.rules, rulesets: governance.rulesets, visibility }));
  });
}
