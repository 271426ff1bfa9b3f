// `npm run test:e2e`: Playwright in real Chromium against a production build
// on a fresh, migrated PostgreSQL database that is dropped afterwards.
import { existsSync } from "node:fs";
import { createDatabase, dropDatabase, migrateDeploy } from "../tests/integration/database";
import { bin, run } from "./run";

async function main() {
  if (!existsSync(".next/BUILD_ID") || process.argv.includes("--build")) {
    await run(bin("next"), ["build"], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  }
  const database = await createDatabase("portico_e2e");
  let failed = false;
  try {
    await migrateDeploy(database.url);
    // The demo organisation: its users, teams and catalog are the e2e fixtures.
    await run(bin("tsx"), ["scripts/seed.ts"], { env: { ...process.env, DATABASE_URL: database.url } });
    const args = process.argv.slice(2).filter((arg) => arg !== "--build");
    await run(bin("playwright"), ["test", ...args], { env: { ...process.env, DATABASE_URL: database.url } });
  } catch (error) {
    console.error(`[e2e] ${(error as Error).message}`);
    failed = true;
  } finally {
    await dropDatabase(database.name);
  }
  process.exit(failed ? 1 : 0);
}

void main();
