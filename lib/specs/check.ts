import { spawn } from "node:child_process";
import { join } from "node:path";
import { AppError, type ErrorKind, type FieldError } from "@/lib/errors";

/**
 * An upload that runs longer than this is stopped. GitHub's 13 MB description
 * takes about 10 s to check and store; the limit is there for what an
 * imported ruleset can still do despite the import checks (a slow regular
 * expression on a long string).
 */
const UPLOAD_TIMEOUT_MS = 180_000;

/** What the upload process says about a refusal: an AppError, field by field. */
export interface UploadRefusal {
  kind: ErrorKind;
  code?: string;
  message: string;
  errors: FieldError[];
}

/** The first line of the upload process's answer. */
export type UploadProcessStatus<Summary> = { ok: true; summary: Summary } | { ok: false; error: UploadRefusal };

// Only the start of the child's error output is kept for the log: a crash
// while printing a large value must not fill the web server's memory.
const MAX_STDERR = 20_000;

/**
 * Runs scripts/store-version.ts, which parses, validates, lints, diffs and
 * stores an uploaded document, so that none of that work (nor reading or
 * writing the document as JSON) happens on the web server's event loop.
 *
 * Its stdin is `job` as one line of JSON, then the body as the caller sent
 * it (bytes that are never parsed here); its stdout is one line of JSON (a
 * small summary, or the refusal) and then the answer text, which the caller
 * passes on without parsing it. Refusals come back as the same AppErrors as
 * if they had been thrown here.
 *
 * The child opens its own database connection (DATABASE_URL is inherited),
 * one at most: its queries run one after another, and the embedded database
 * of `npm start` takes a limited number of connections.
 */
export function runUploadProcess<Summary>(job: unknown, body: Iterable<Uint8Array> | string, options: { timeoutMs?: number } = {}): Promise<{ summary: Summary; answer: Buffer }> {
  const timeoutMs = options.timeoutMs ?? UPLOAD_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    // A process group of its own: tsx runs the script in a child of its own,
    // and a stopped upload must stop both.
    const child = spawn(join(process.cwd(), "node_modules", ".bin", "tsx"), [join(process.cwd(), "scripts", "store-version.ts")], {
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
      env: { ...process.env, PORTICO_DB_POOL: "1" },
    });
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
    child.stderr.on("data", (chunk: Buffer) => {
      if (err.length < MAX_STDERR) err += chunk.toString();
    });
    // A child that dies before reading all of its input makes the writes fail
    // (EPIPE); the exit code below says what happened, and an unhandled
    // stream error would take the whole web server down.
    child.stdin.on("error", () => undefined);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut) return reject(new Error(`The upload was stopped after ${timeoutMs / 1000} s (a slow rule of an imported ruleset?).`));
      if (code !== 0) return reject(new Error(`The upload process failed (exit ${code}): ${err.slice(0, 2000)}`));
      const output = Buffer.concat(out);
      const end = output.indexOf(0x0a);
      let status: UploadProcessStatus<Summary>;
      try {
        status = JSON.parse(output.subarray(0, end === -1 ? output.length : end).toString("utf8"));
      } catch {
        return reject(new Error(`The upload process answered something unexpected: ${output.subarray(0, 200).toString("utf8")}`));
      }
      if (!status.ok) return reject(new AppError(status.error.kind, status.error.message, { code: status.error.code, errors: status.error.errors }));
      resolve({ summary: status.summary, answer: end === -1 ? Buffer.alloc(0) : output.subarray(end + 1) });
    });
    child.stdin.write(`${JSON.stringify(job)}\n`);
    if (typeof body === "string") child.stdin.write(body);
    else for (const chunk of body) child.stdin.write(chunk);
    child.stdin.end();
  });
}
