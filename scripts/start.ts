// `npm start`: serves Portico from a production build.
// - Without DATABASE_URL: starts an embedded Postgres in .data/ (or
//   PORTICO_DATA_DIR), migrates it and seeds the demo on first run.
// - With DATABASE_URL: applies pending migrations to that database; seeds the
//   demo only when PORTICO_DEMO=1.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres";
import { bin, run } from "./run";
import { GATEWAY_NODE_FLAGS } from "../gateway/node-flags";

const root = resolve(__dirname, "..");
const dataDir = resolve(process.env.PORTICO_DATA_DIR ?? join(root, ".data"));
const port = process.env.PORT ?? "3000";
const gatewayPort = process.env.GATEWAY_PORT ?? "8080";
const log = (message: string) => console.log(`[portico] ${message}`);

/** A stable session secret: from NEXTAUTH_SECRET, else made once and kept in the data folder. */
function sessionSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  const file = join(dataDir, "session-secret");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
    log(`NEXTAUTH_SECRET is not set: generated one in ${file}`);
  }
  return readFileSync(file, "utf8").trim();
}

async function main() {
  let embedded: EmbeddedPostgres | undefined;
  let seedDemo = process.env.PORTICO_DEMO === "1";
  if (!process.env.DATABASE_URL) {
    const pgDir = join(dataDir, "pglite");
    const firstRun = !existsSync(join(pgDir, "PG_VERSION"));
    log(firstRun ? `creating the embedded database in ${pgDir}` : `using the embedded database in ${pgDir}`);
    embedded = await startEmbeddedPostgres(pgDir);
    process.env.DATABASE_URL = embedded.url;
    seedDemo = seedDemo || process.env.PORTICO_DEMO !== "0";
  }
  const env = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    NEXTAUTH_SECRET: sessionSecret(),
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
    // Where consumers call APIs (shown on the docs page) and where try-it sends requests.
    GATEWAY_URL: process.env.GATEWAY_URL ?? `http://localhost:${gatewayPort}`,
  };

  const stop = async (code: number) => {
    await embedded?.stop().catch(() => undefined);
    process.exit(code);
  };

  try {
    log("applying migrations");
    await run(bin("tsx"), ["scripts/prisma-cli.ts", "migrate", "deploy"], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
    if (seedDemo) await run(bin("tsx"), ["scripts/seed.ts"], { cwd: root, env });
    if (!existsSync(join(root, ".next", "BUILD_ID"))) {
      log("no production build yet: building (this takes a few minutes once)");
      await run(bin("next"), ["build"], { cwd: root, env });
    }
  } catch (error) {
    console.error(`[portico] start failed: ${(error as Error).message}`);
    await stop(1);
  }

  // The job worker (sunset retirement, reminders) beside the web server. If it
  // fails, the portal keeps serving and says so.
  const worker = spawn(bin("tsx"), ["scripts/worker.ts"], { cwd: root, env, stdio: "inherit" });
  worker.on("exit", (code, signal) => {
    if (signal !== "SIGTERM") log(`the job worker stopped (${signal ?? `exit ${code}`}): scheduled retirements and reminders wait until it runs again`);
  });

  // The gateway (the data plane) on its own port. Without REDIS_URL it counts
  // limits and caches per process, which is right for one machine.
  const gateway = spawn(bin("tsx"), [...GATEWAY_NODE_FLAGS, "gateway/main.ts"], { cwd: root, env: { ...env, GATEWAY_PORT: gatewayPort }, stdio: "inherit" });
  gateway.on("exit", (code, signal) => {
    if (signal !== "SIGTERM") log(`the gateway stopped (${signal ?? `exit ${code}`}): consumer calls fail until it runs again`);
  });

  log(`serving on http://localhost:${port}; the gateway on http://localhost:${gatewayPort}`);
  const server = spawn(bin("next"), ["start", "-p", port], { cwd: root, env, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      worker.kill("SIGTERM");
      gateway.kill("SIGTERM");
      server.kill(signal);
    });
  }
  server.on("exit", (code) => {
    worker.kill("SIGTERM");
    gateway.kill("SIGTERM");
    void stop(code ?? 0);
  });
}

void main();
