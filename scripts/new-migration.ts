// Makes a new Prisma migration offline: the SQL between the schema as last
// committed and the schema in the work tree. Usage: npm run db:migration -- <name>
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:migration -- <name_in_snake_case>");
  process.exit(2);
}
// The diff reads no data, but the CLI opens its driver adapter, so it needs a
// reachable server: the local PostgreSQL unless DATABASE_URL says otherwise.
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? process.env.PORTICO_TEST_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" };
const previous = join(mkdtempSync(join(tmpdir(), "portico-migration-")), "schema.prisma");
writeFileSync(previous, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"]));
const sql = execFileSync(
  process.execPath,
  [require.resolve("prisma/build/index.js"), "migrate", "diff", "--from-schema-datamodel", previous, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { env, encoding: "utf8" },
);
if (!/^\s*(CREATE|ALTER|DROP)/m.test(sql)) {
  console.log("The schema has not changed since the last commit: no migration written.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const folder = join("prisma", "migrations", `${stamp}_${name}`);
mkdirSync(folder, { recursive: true });
writeFileSync(join(folder, "migration.sql"), sql);
console.log(`Wrote ${join(folder, "migration.sql")}. Review it, then commit it with the schema.`);
console.log(`Migrations now: ${readdirSync(join("prisma", "migrations")).filter((f) => /^\d/.test(f)).length}`);
