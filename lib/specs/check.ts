import { spawn } from "node:child_process";
import { join } from "node:path";
import { AppError, type ErrorKind, type FieldError } from "@/lib/errors";
import type { ApiVisibility, LintReport } from "./lint";
import type { ParsedSpec } from "./parse";
import type { RuleSettings } from "./rule-catalog";

interface CheckResult {
  parsed: ParsedSpec;
  lintReport: LintReport;
}

/**
 * Parses, validates and lints a document in a child process
 * (scripts/check-spec.ts): the same functions as in-process, off the web
 * server's event loop. Refusals come back as the same AppErrors.
 */
export function checkSpec(source: string, settings: RuleSettings, visibility: ApiVisibility): Promise<CheckResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(process.cwd(), "node_modules", ".bin", "tsx"), [join(process.cwd(), "scripts", "check-spec.ts")], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`The document check failed (exit ${code}): ${err.slice(0, 2000)}`));
      const result = JSON.parse(Buffer.concat(out).toString("utf8")) as
        | { ok: true; parsed: Omit<ParsedSpec, "sourceText" | "original">; lintReport: LintReport }
        | { ok: false; error: { kind: ErrorKind; code?: string; message: string; errors: FieldError[] } };
      if (!result.ok) return reject(new AppError(result.error.kind, result.error.message, { code: result.error.code, errors: result.error.errors }));
      resolve({ parsed: { ...result.parsed, original: undefined, sourceText: source }, lintReport: result.lintReport });
    });
    child.stdin.end(JSON.stringify({ source, settings, visibility }));
  });
}
