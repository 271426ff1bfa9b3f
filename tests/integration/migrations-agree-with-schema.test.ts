// The migrations folder and prisma/schema.prisma must describe the same
// database. One database gets the schema as Prisma would create it from
// scratch (`migrate diff --from-empty --to-schema-datamodel`), the other is
// this run's database, made by `migrate deploy` of the migrations folder in
// the global setup. Their structures, read back from the catalog, must match.
// Editing schema.prisma without adding a migration makes this test fail.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client } from "pg";
import { createDatabase, dropDatabase, prismaCli, runSql } from "./database";

/** What the init migration adds by hand, which the schema language cannot express. */
const HAND_WRITTEN = {
  indexes: ["Subscription_one_open_per_app_api"],
  triggers: ["AuditEvent_append_only"],
  functions: ["portico_audit_append_only"],
};
const PRISMA_HISTORY_TABLE = "_prisma_migrations";

type Structure = Record<"tables" | "columns" | "indexes" | "constraints" | "enums" | "triggers" | "functions" | "sequences" | "views", string[]>;

async function rows<Row>(client: Client, sql: string): Promise<Row[]> {
  return (await client.query(sql)).rows as Row[];
}

/** The structure of the public schema, as sorted lines that diff readably. */
async function describeDatabase(client: Client, options: { ignoreHandWritten: boolean }): Promise<Structure> {
  const skipTable = (table: string) => table === PRISMA_HISTORY_TABLE || table === `"${PRISMA_HISTORY_TABLE}"`;
  const handWritten = (kind: keyof typeof HAND_WRITTEN, name: string) => options.ignoreHandWritten && HAND_WRITTEN[kind].includes(name);

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
    `SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'`,
  );
  const sequences = await rows<{ sequence_name: string; data_type: string }>(
    client,
    `SELECT sequence_name, data_type FROM information_schema.sequences WHERE sequence_schema = 'public'`,
  );
  const views = await rows<{ table_name: string; view_definition: string }>(
    client,
    `SELECT table_name, view_definition FROM information_schema.views WHERE table_schema = 'public'`,
  );

  const sorted = (lines: string[]) => [...lines].sort();
  return {
    tables: sorted(tables.filter((t) => !skipTable(t.table_name)).map((t) => t.table_name)),
    columns: sorted(
      columns
        .filter((c) => !skipTable(String(c.table_name)))
        .map(({ table_name, column_name, ...rest }) => `${table_name}.${column_name} ${JSON.stringify(rest)}`),
    ),
    indexes: sorted(indexes.filter((i) => !skipTable(i.tablename) && !handWritten("indexes", i.indexname)).map((i) => `${i.indexname}: ${i.indexdef}`)),
    constraints: sorted(
      constraints
        .filter((c) => !skipTable(c.table_name))
        .map((c) => `${c.table_name} ${c.conname} [${c.contype}${c.deferrable ? ", deferrable" : ""}] ${c.definition}`),
    ),
    enums: sorted(enums.map((e) => `${e.typname}: ${e.labels.join(", ")}`)),
    triggers: sorted(triggers.filter((t) => !handWritten("triggers", t.tgname)).map((t) => t.definition)),
    functions: sorted(functions.filter((f) => !handWritten("functions", f.proname)).map((f) => `${f.proname}(${f.args})`)),
    sequences: sorted(sequences.map((s) => `${s.sequence_name} ${s.data_type}`)),
    views: sorted(views.map((v) => `${v.table_name}: ${v.view_definition}`)),
  };
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

    expect(expected.tables.length).toBeGreaterThan(15);
    expect(expected.enums.length).toBeGreaterThan(5);
    // Field by field, so a failure names what drifted.
    for (const key of Object.keys(expected) as (keyof Structure)[]) {
      expect({ [key]: actual[key] }).toEqual({ [key]: expected[key] });
    }
  });

  it("the migrations also add the hand-written rules, and nothing else by hand", async () => {
    const all = await describeDatabase(migratedClient, { ignoreHandWritten: false });
    const withoutExtras = await describeDatabase(migratedClient, { ignoreHandWritten: true });

    expect(all.indexes.filter((line) => !withoutExtras.indexes.includes(line))).toEqual([
      expect.stringMatching(/^Subscription_one_open_per_app_api: CREATE UNIQUE INDEX .* WHERE \(status = ANY \(ARRAY\['PENDING'::"SubscriptionStatus", 'ACTIVE'::"SubscriptionStatus"\]\)\)$/),
    ]);
    expect(all.triggers).toEqual([expect.stringMatching(/^CREATE TRIGGER "AuditEvent_append_only" BEFORE DELETE OR UPDATE ON public."AuditEvent" FOR EACH ROW EXECUTE FUNCTION portico_audit_append_only\(\)$/)]);
    expect(all.functions).toEqual(["portico_audit_append_only()"]);
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
