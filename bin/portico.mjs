#!/usr/bin/env node
// Portico's command-line tool, for CI pipelines:
//   portico publish <file> --api <slug> [--version <semver>] [--upstream <url>]
//                   [--draft] [--override-reason <text>] --token <token> --url <portico url>
// Uploads the document as a new version, prints the lint findings and the
// breaking changes, then publishes it (unless --draft). Exits 1 when the
// upload or the publishing is refused, 2 on usage errors.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";

const USAGE = "Usage: portico publish <file> --api <slug> [--version <semver>] [--upstream <url>] [--draft] [--override-reason <text>] --token <token> --url <url>\n(--token and --url default to PORTICO_TOKEN and PORTICO_URL)";

function fail(message, code = 1) {
  console.error(message);
  process.exit(code);
}

async function call(base, token, method, path, body) {
  const response = await fetch(new URL(`/api/v1${path}`, base), {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, payload };
}

function printProblem(payload) {
  console.error(`✗ ${payload.title ?? "Refused"} (${payload.status ?? "?"}): ${payload.detail ?? ""}`);
  for (const error of payload.errors ?? []) {
    const where = error.line ? `line ${error.line}${error.column ? `:${error.column}` : ""} ` : "";
    console.error(`  ${where}${error.pointer || "/"}: ${error.detail}`);
  }
}

async function publish(args) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      api: { type: "string" },
      version: { type: "string" },
      upstream: { type: "string" },
      draft: { type: "boolean", default: false },
      "override-reason": { type: "string" },
      token: { type: "string", default: process.env.PORTICO_TOKEN },
      url: { type: "string", default: process.env.PORTICO_URL },
    },
  });
  const [file] = positionals;
  if (!file || !values.api || !values.token || !values.url) fail(USAGE, 2);
  const source = await readFile(file, "utf8").catch((error) => fail(`Cannot read ${file}: ${error.message}`, 2));

  const uploaded = await call(values.url, values.token, "POST", `/apis/${encodeURIComponent(values.api)}/versions`, { source, version: values.version, upstreamUrl: values.upstream });
  if (!uploaded.ok) {
    printProblem(uploaded.payload);
    process.exit(1);
  }
  const { version, lintReport, changeReport } = uploaded.payload;
  console.log(`Uploaded ${values.api} ${version} as a draft.`);
  console.log(`Lint: ${lintReport.errors} errors, ${lintReport.warnings} warnings`);
  for (const problem of lintReport.problems) console.log(`  ${problem.severity.padEnd(5)} ${problem.ruleId} ${problem.pointer || "/"}${problem.line ? ` (line ${problem.line})` : ""}: ${problem.message}`);
  if (changeReport.againstVersion) {
    console.log(`Changes against ${changeReport.againstVersion}: ${changeReport.breaking} breaking, ${changeReport.nonBreaking} non-breaking, ${changeReport.annotation} annotations`);
    for (const change of changeReport.changes.filter((c) => c.kind === "breaking")) console.log(`  breaking ${change.operation ?? ""} ${change.message}`);
  }
  if (values.draft) return;

  const reason = values["override-reason"];
  const published = await call(values.url, values.token, "POST", `/apis/${encodeURIComponent(values.api)}/versions/${encodeURIComponent(version)}/transitions`, {
    action: "publish",
    ...(reason ? { overrideBreaking: true, reason } : {}),
  });
  if (!published.ok) {
    printProblem(published.payload);
    console.error(`${values.api} ${version} stays a draft.`);
    process.exit(1);
  }
  console.log(`Published ${values.api} ${version}.`);
}

const [command, ...rest] = process.argv.slice(2);
if (command === "publish") await publish(rest);
else fail(USAGE, 2);
