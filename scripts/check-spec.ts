// Parses and lints one uploaded document in a process of its own, so a large
// document's seconds of CPU do not stall the web server's event loop (the
// catalog must stay responsive during an upload). Reads
// { source, settings, rulesets, visibility } as JSON on stdin (settings: the
// built-in rules' severities; rulesets: the enabled imported rulesets); writes
// the result as JSON on stdout. Used by lib/specs/check.ts.
import { AppError } from "@/lib/errors";
import { parseSpec } from "@/lib/specs/parse";
import { lintSpec } from "@/lib/specs/lint";

async function main() {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const { source, settings, rulesets, visibility } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  try {
    const parsed = await parseSpec(source);
    const lintReport = await lintSpec(parsed, settings, { visibility, rulesets: rulesets ?? [] });
    const { document, format, sourceVersion, converted } = parsed;
    process.stdout.write(JSON.stringify({ ok: true, parsed: { document, format, sourceVersion, converted }, lintReport }));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    process.stdout.write(JSON.stringify({ ok: false, error: { kind: error.kind, code: error.code, message: error.message, errors: error.errors } }));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
