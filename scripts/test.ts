// `npm test`: the whole suite, in the order that fails fastest.
// Type check, lint, unit, gateway modules (real Redis), integration (fresh
// PostgreSQL database, real gateway processes), production
// build, then Playwright end-to-end in Chromium (another fresh database).
import { bin, run } from "./run";

const steps: [string, string, string[]][] = [
  ["prisma client", bin("tsx"), ["scripts/prisma-cli.ts", "generate"]],
  ["type check", bin("tsc"), ["--noEmit"]],
  ["lint", bin("eslint"), ["--max-warnings=0", "."]],
  // Real OpenAPI descriptions (GitHub's), from the npm registry: a unit test diffs two of them.
  ["real OpenAPI fixtures", bin("tsx"), ["scripts/fetch-fixtures.ts"]],
  ["unit tests", bin("vitest"), ["run", "--project", "unit"]],
  ["gateway module tests", bin("vitest"), ["run", "--project", "gateway"]],
  ["integration tests", bin("vitest"), ["run", "--project", "integration"]],
  ["production build", bin("next"), ["build"]],
  ["end-to-end tests", bin("tsx"), ["scripts/e2e.ts"]],
];

async function main() {
  const timings: string[] = [];
  const started = Date.now();
  for (const [name, command, args] of steps) {
    const stepStarted = Date.now();
    console.log(`\n=== ${name} ===`);
    try {
      await run(command, args, { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    } catch (error) {
      console.error(`\n✗ ${name} failed: ${(error as Error).message}`);
      process.exit(1);
    }
    timings.push(`${name.padEnd(20)} ${((Date.now() - stepStarted) / 1000).toFixed(1)} s`);
  }
  console.log(`\n=== all passed in ${((Date.now() - started) / 1000).toFixed(0)} s ===\n${timings.join("\n")}`);
}

void main();
