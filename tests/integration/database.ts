// Creating, migrating and dropping throwaway Postgres databases for the
// integration tests. Used by the global setup and by the schema-drift test.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "pg";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export function adminUrl(): string {
  return process.env.PORTICO_TEST_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
}

/** The admin URL with another database name. */
export function urlForDatabase(name: string, base = adminUrl()): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(connectionString: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database with a random name and answers its URL. */
export async function createDatabase(prefix = "portico_it"): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await withClient(adminUrl(), (client) => client.query(`CREATE DATABASE "${name}"`));
  return { name, url: urlForDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  // FORCE ends connections a test may have left open (Postgres 13+).
  await withClient(adminUrl(), (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Runs a SQL script in one round trip (the simple query protocol takes many statements). */
export async function runSql(url: string, sql: string): Promise<void> {
  await withClient(url, (client) => client.query(sql));
}

export async function query<Row>(url: string, sql: string): Promise<Row[]> {
  return withClient(url, async (client) => (await client.query(sql)).rows as Row[]);
}

/**
 * Runs the project's Prisma CLI wrapper (`tsx scripts/prisma-cli.ts ...`) as a
 * child process, asynchronously, and answers its stdout. Fails with its
 * output when it exits non-zero.
 */
export function prismaCli(args: string[], databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(REPO_ROOT, "node_modules", ".bin", "tsx"), [join(REPO_ROOT, "scripts", "prisma-cli.ts"), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`prisma ${args.join(" ")} exited with ${code}\n${stdout}\n${stderr}`));
    });
  });
}

export function migrateDeploy(databaseUrl: string): Promise<string> {
  return prismaCli(["migrate", "deploy"], databaseUrl);
}
