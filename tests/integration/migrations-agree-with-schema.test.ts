// The migrations folder and prisma/schema.prisma must describe the same
// database. One database gets the schema as Prisma would create it from
// scratch (`migrate diff --from-empty --to-schema-datamodel`), the other is
// this run's database, made by `migrate deploy` of the migrations folder in
// the global setup. Their structures, read back from the catalog, must match.
// Editing schema.prisma without adding a migration makes this test fail.
//
// SQL that Prisma's schema language cannot express is appended to a
// migration after a line starting `-- Hand-written`; the indexes, functions,
// triggers, constraints, views and extensions created there are expected in
// the migrated database only.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client } from "pg";
import { createDatabase, dropDatabase, prismaCli, REPO_ROOT, runSql } from "./database";

const PRISMA_HISTORY_TABLE = "_prisma_migrations";
const MIGRATIONS = join(REPO_ROOT, "prisma", "migrations");

type HandWrittenKind = "indexes" | "functions" | "triggers" | "constraints" | "views" | "extensions";

/** The objects created (and not dropped again later) in the `-- Hand-written` part of every migration. */
function handWrittenObjects(): Record<HandWrittenKind, string[]> {
  const found: Record<HandWrittenKind, string[]> = { indexes: [], functions: [], triggers: [], constraints: [], views: [], extensions: [] };
  const patterns: [HandWrittenKind, RegExp][] = [
    ["indexes", /CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"?([\w$]+)"?/gi],
    ["functions", /CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(?:"?public"?\.)?"?([\w$]+)"?/gi],
    ["triggers", /CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\s+"?([\w$]+)"?/gi],
    ["constraints", /ADD\s+CONSTRAINT\s+"?([\w$]+)"?/gi],
    ["views", /CREATE\s+(?:OR\s+REPLACE\s+)?(?:MATERIALIZED\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([\w$]+)"?/gi],
    ["extensions", /CREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([\w$]+)"?/gi],
  ];
  const drops: [HandWrittenKind, RegExp][] = [
    ["indexes", /DROP\s+INDEX\s+(?:IF\s+EXISTS\s+)?"?([\w$]+)"?/gi],
    ["functions", /DROP\s+FUNCTION\s+(?:IF\s+EXISTS\s+)?"?([\w$]+)"?/gi],
    ["triggers", /DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?"?([\w$]+)"?/gi],
  ];
  for (const folder of readdirSync(MIGRATIONS).filter((name) => /^\d/.test(name)).sort()) {
    const sql = readFileSync(join(MIGRATIONS, folder, "migration.sql"), "utf8");
    const marker = sql.search(/^-- Hand-written/m);
    if (marker < 0) continue;
    // Comments may mention SQL words; only statements count.
    const handWritten = sql.slice(marker).replace(/--.*$/gm, "");
    for (const [kind, pattern] of patterns) for (const match of handWritten.matchAll(pattern)) found[kind].push(match[1]);
    for (const [kind, pattern] of drops) {
      for (const match of handWritten.matchAll(pattern)) found[kind] = found[kind].filter((name) => name !== match[1]);
    }
  }
  return found;
}

const HAND_WRITTEN = handWrittenObjects();

/** Per kind of object: a unique key (table.column, index name, ...) → what it is. */
type Structure = Record<"tables" | "columns" | "indexes" | "constraints" | "enums" | "triggers" | "functions" | "sequences" | "views" | "extensions", Record<string, string>>;

async function rows<Row>(client: Client, sql: string): Promise<Row[]> {
  return (await client.query(sql)).rows as Row[];
}

/** The structure of the public schema, keyed by name, so that a difference diffs readably. */
async function describeDatabase(client: Client, options: { ignoreHandWritten: boolean }): Promise<Structure> {
  const skipTable = (table: string) => table === PRISMA_HISTORY_TABLE || table === `"${PRISMA_HISTORY_TABLE}"`;
  const handWritten = (kind: HandWrittenKind, name: string) => options.ignoreHandWritten && HAND_WRITTEN[kind].includes(name);

  const tables = await rows<{ table_name: string }>(
    client,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  // Column order is left out on purpose: a column added by a later migration
  // comes last in the table, but may sit anywhere in the model.
  const columns = await rows<Record<string, string | number | null>>(
    client,
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length,
            numeric_precision, numeric_scale, datetime_precision, is_identity, is_generated, collation_name
       FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  const indexes = await rows<{ tablename: string; indexname: string; indexdef: string }>(
    client,
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`,
  );
  const constraints = await rows<{ table_name: string; conname: string; contype: string; definition: string; deferrable: boolean }>(
    client,
    `SELECT c.conrelid::regclass::text AS table_name, c.conname, c.contype, pg_get_constraintdef(c.oid) AS definition, c.condeferrable AS deferrable
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = 'public' AND c.contype <> 't'`,
  );
  const enums = await rows<{ typname: string; labels: string[] }>(
    client,
    `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumlabel) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`,
  );
  const triggers = await rows<{ table_name: string; tgname: string; definition: string }>(
    client,
    `SELECT t.tgrelid::regclass::text AS table_name, t.tgname, pg_get_triggerdef(t.oid) AS definition
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND NOT t.tgisinternal`,
  );
  const functions = await rows<{ proname: string; args: string }>(
    client,
    // Functions that belong to an extension (pg_trgm's, say) come with it.
    `SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`,
  );
  const sequences = await rows<{ sequence_name: string; data_type: string }>(
    client,
    `SELECT sequence_name, data_type FROM information_schema.sequences WHERE sequence_schema = 'public'`,
  );
  const views = await rows<{ table_name: string; view_definition: string }>(
    client,
    `SELECT table_name, view_definition FROM information_schema.views WHERE table_schema = 'public'`,
  );
  const extensions = await rows<{ extname: string }>(client, `SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'`);

  const byKey = <Row>(list: Row[], key: (row: Row) => string, value: (row: Row) => string) =>
    Object.fromEntries(list.map((row) => [key(row), value(row)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    tables: byKey(tables.filter((t) => !skipTable(t.table_name)), (t) => t.table_name, () => "table"),
    columns: byKey(
      columns.filter((c) => !skipTable(String(c.table_name))),
      (c) => `${c.table_name}.${c.column_name}`,
      (c) => JSON.stringify(Object.fromEntries(Object.entries(c).filter(([name]) => name !== "table_name" && name !== "column_name"))),
    ),
    indexes: byKey(indexes.filter((i) => !skipTable(i.tablename) && !handWritten("indexes", i.indexname)), (i) => i.indexname, (i) => i.indexdef),
    constraints: byKey(
      constraints.filter((c) => !skipTable(c.table_name) && !handWritten("constraints", c.conname)),
      (c) => `${c.table_name}.${c.conname}`,
      (c) => `[${c.contype}${c.deferrable ? ", deferrable" : ""}] ${c.definition}`,
    ),
    enums: byKey(enums, (e) => e.typname, (e) => e.labels.join(", ")),
    triggers: byKey(triggers.filter((t) => !handWritten("triggers", t.tgname)), (t) => `${t.table_name}.${t.tgname}`, (t) => t.definition),
    functions: byKey(functions.filter((f) => !handWritten("functions", f.proname)), (f) => `${f.proname}(${f.args})`, () => "function"),
    sequences: byKey(sequences, (q) => q.sequence_name, (q) => q.data_type),
    views: byKey(views.filter((v) => !handWritten("views", v.table_name)), (v) => v.table_name, (v) => v.view_definition),
    extensions: byKey(extensions.filter((e) => !handWritten("extensions", e.extname)), (e) => e.extname, () => "extension"),
  };
}

/** Is an object of that name among the keys ("name", "table.name" or "name(args)")? */
function hasObject(objects: Record<string, string>, name: string): boolean {
  return Object.keys(objects).some((key) => key === name || key.endsWith(`.${name}`) || key.startsWith(`${name}(`));
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

describe("the migrations and schema.prisma", () => {
  let fromSchema: { name: string; url: string };
  let fromSchemaClient: Client;
  let migratedClient: Client;

  beforeAll(async () => {
    fromSchema = await createDatabase("portico_it_schema");
    const script = await prismaCli(["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"], fromSchema.url);
    expect(script).toMatch(/CREATE TABLE "User"/);
    // pg runs a multi-statement script in one simple query; Prisma's wasm
    // engine would split it at every semicolon, so it is not used here.
    await runSql(fromSchema.url, script);
    fromSchemaClient = await connect(fromSchema.url);
    migratedClient = await connect(inject("databaseUrl"));
  });

  afterAll(async () => {
    await fromSchemaClient?.end();
    await migratedClient?.end();
    if (fromSchema) await dropDatabase(fromSchema.name);
  });

  it("create the same tables, columns, indexes, constraints and enums", async () => {
    const expected = await describeDatabase(fromSchemaClient, { ignoreHandWritten: false });
    const actual = await describeDatabase(migratedClient, { ignoreHandWritten: true });

    expect(Object.keys(expected.tables).length).toBeGreaterThan(15);
    expect(Object.keys(expected.enums).length).toBeGreaterThan(5);
    // Field by field, so a failure names what drifted.
    for (const key of Object.keys(expected) as (keyof Structure)[]) {
      expect({ [key]: actual[key] }).toEqual({ [key]: expected[key] });
    }
  });

  it("the hand-written rules of the init migration are recognised", () => {
    expect(HAND_WRITTEN.indexes).toContain("Subscription_one_open_per_app_api");
    expect(HAND_WRITTEN.triggers).toContain("AuditEvent_append_only");
    expect(HAND_WRITTEN.functions).toContain("portico_audit_append_only");
  });

  it("the migrated database has every hand-written object, and the schema alone has none", async () => {
    const migrated = await describeDatabase(migratedClient, { ignoreHandWritten: false });
    const fromPrisma = await describeDatabase(fromSchemaClient, { ignoreHandWritten: false });
    for (const [kind, names] of Object.entries(HAND_WRITTEN) as [HandWrittenKind, string[]][]) {
      for (const name of names) {
        expect({ kind, name, inMigrations: hasObject(migrated[kind], name) }).toEqual({ kind, name, inMigrations: true });
        expect({ kind, name, inSchema: hasObject(fromPrisma[kind], name) }).toEqual({ kind, name, inSchema: false });
      }
    }
    // The init migration's rules, as written.
    expect(migrated.indexes.Subscription_one_open_per_app_api).toMatch(
      /^CREATE UNIQUE INDEX .* WHERE \(status = ANY \(ARRAY\['PENDING'::"SubscriptionStatus", 'ACTIVE'::"SubscriptionStatus"\]\)\)$/,
    );
    expect(migrated.triggers['"AuditEvent".AuditEvent_append_only']).toBe(
      'CREATE TRIGGER "AuditEvent_append_only" BEFORE DELETE OR UPDATE ON public."AuditEvent" FOR EACH ROW EXECUTE FUNCTION portico_audit_append_only()',
    );
  });

  it("the comparison notices a column, an index or an enum value the migrations lack", async () => {
    const baseline = await describeDatabase(fromSchemaClient, { ignoreHandWritten: false });
    const changes = [
      `ALTER TABLE "Team" ADD COLUMN "drift_probe" TEXT`,
      `ALTER TABLE "Team" ALTER COLUMN "description" SET NOT NULL`,
      `CREATE INDEX "drift_probe_idx" ON "Team"("name")`,
      `ALTER TYPE "TeamRole" ADD VALUE 'DRIFT_PROBE'`,
      `ALTER TABLE "Membership" DROP CONSTRAINT "Membership_userId_fkey"`,
    ];
    for (const change of changes) {
      await fromSchemaClient.query("BEGIN");
      try {
        await fromSchemaClient.query(change);
        expect({ change, same: await describeDatabase(fromSchemaClient, { ignoreHandWritten: false }) }).not.toEqual({ change, same: baseline });
      } finally {
        await fromSchemaClient.query("ROLLBACK");
      }
    }
    expect(await describeDatabase(fromSchemaClient, { ignoreHandWritten: false })).toEqual(baseline);
  });
});
