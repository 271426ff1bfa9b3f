// Imported Spectral-style rulesets (issue 4): a platform admin previews and
// imports one through lib/versions/governance.ts; uploads through
// POST /api/v1/apis/{slug}/versions are then linted with it (in the checking
// child process): its errors block publishing, its warnings do not, its
// spectral:oas overrides change the built-in rules. Disabled, it no longer
// applies. Only platform admins may see or change rulesets; a refusal changes
// nothing.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import YAML from "yaml";
import type { LintReport } from "@/lib/specs/lint";
import { deleteRuleset, governanceSettings, importRuleset, listGovernanceRules, listRulesets, previewRuleset, setGovernanceRule, setRulesetEnabled } from "@/lib/versions/governance";
import { db, expectAppError, resetDatabase, snapshotDatabase } from "./helpers";
import { changedTables, clearApis, createApi, expectProblem, makePeople, transition, type CallResult, type People } from "./lifecycle-fixtures";

// Nobody has a cookie session: callers use tokens.
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => null,
}));

import * as versionsRoute from "@/app/api/v1/apis/[slug]/versions/route";

type Handler = (request: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function upload(slug: string, body: unknown, token: string): Promise<CallResult> {
  const request = new Request(`http://localhost/api/v1/apis/${slug}/versions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const response = await (versionsRoute.POST as unknown as Handler)(request, { params: Promise.resolve({ slug }) });
  const text = await response.text();
  return { response, status: response.status, json: text ? JSON.parse(text) : null };
}

/** The style guide under test: one error rule, one warning rule, a custom function (refused), a mapped override. */
const RULESET = [
  "extends: [[spectral:oas, recommended]]",
  "functions: [acmeOwner]",
  "rules:",
  "  info-license: off",
  "  operation-id-camel-case:",
  "    description: operationId is camelCase.",
  "    severity: error",
  "    given: $.paths[*][*]",
  "    then:",
  "      field: operationId",
  "      function: casing",
  "      functionOptions:",
  "        type: camel",
  "  info-contact:",
  "    message: \"{{property}} is missing: say whom consumers ask.\"",
  "    given: $.info",
  "    then:",
  "      field: contact",
  "      function: defined",
  "  owner-known:",
  "    given: $.info",
  "    then:",
  "      function: acmeOwner",
  "",
].join("\n");

/** A document the built-in rules find no error in. */
const documentWith = (version: string, operationId: string) =>
  YAML.stringify({
    openapi: "3.0.3",
    info: { title: "Lockers", version },
    servers: [{ url: "https://lockers.acme.example" }],
    security: [{ key: [] }],
    paths: { "/lockers": { get: { operationId, summary: "List lockers", responses: { "200": { description: "The lockers." }, "400": { description: "Bad request." } } } } },
    components: { securitySchemes: { key: { type: "apiKey", in: "header", name: "X-Key" } } },
  });

let people: People;
let slug: string;
let developer: string;
let teamAdmin: string;

beforeAll(async () => {
  await resetDatabase();
  people = await makePeople();
  developer = people.tokens.get(people.members.DEVELOPER.id)!;
  teamAdmin = people.tokens.get(people.members.ADMIN.id)!;
});

beforeEach(async () => {
  await db.governanceRuleset.deleteMany();
  await db.governanceRule.deleteMany();
  await clearApis(people);
  slug = (await createApi(people, { slug: "lockers", visibility: "PUBLIC", versions: [] })).slug;
});

afterEach(() => {
  vi.restoreAllMocks();
});

const admin = () => people.platformAdmin.actor;
const ruleIds = (report: LintReport) => report.problems.map((problem) => `${problem.severity} ${problem.ruleId}`);

describe("import: preview, then save", () => {
  it("previews without storing anything, then saves what the preview showed, enabled, with an audit event", async () => {
    const before = await snapshotDatabase();
    const preview = await previewRuleset(admin(), { name: "acme", source: RULESET });
    expect(changedTables(before, await snapshotDatabase())).toEqual([]);
    expect(preview.counts).toEqual({ accepted: 2, mapped: 2, ignored: 0, refused: 2 });
    expect(preview.items.filter((item) => item.status === "refused").map(({ pointer, line, column }) => ({ pointer, line, column }))).toEqual([
      { pointer: "/functions", line: 2, column: 1 },
      { pointer: "/rules/owner-known/then/function", line: 23, column: 7 },
    ]);

    const created = await importRuleset(admin(), { name: "acme", source: RULESET });
    expect(created).toMatchObject({ name: "acme", enabled: true });
    const [listed] = await listRulesets(admin());
    expect(listed).toMatchObject({ id: created.id, name: "acme", enabled: true, source: RULESET, counts: { rules: 2, mapped: 2, ignored: 0, refused: 2 }, builtinOverrides: { "info-license": "off" } });
    expect(listed.rules.map((rule) => rule.name)).toEqual(["operation-id-camel-case", "info-contact"]);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "governance.ruleset_imported" } });
    expect(event).toMatchObject({ actorId: people.platformAdmin.id, targetType: "governance_ruleset", targetId: created.id, after: { name: "acme", enabled: true, rules: 2, refused: 2 } });

    const settings = await governanceSettings();
    expect(settings.rulesets.map((ruleset) => ruleset.name)).toEqual(["acme"]);
    const rules = await listGovernanceRules(admin());
    expect(rules.find((rule) => rule.id === "info-license")?.overriddenBy).toEqual({ ruleset: "acme", severity: "off" });
  });

  it("refuses a taken name (409), a ruleset with nothing to apply, and JavaScript (422), storing nothing", async () => {
    await importRuleset(admin(), { name: "acme", source: RULESET });
    const before = await snapshotDatabase();
    await expectAppError(previewRuleset(admin(), { name: "acme", source: RULESET }), 409, "ruleset-exists");
    await expectAppError(importRuleset(admin(), { name: "acme", source: RULESET }), 409, "ruleset-exists");
    await expectAppError(importRuleset(admin(), { name: "empty", source: "functions: [x]\nrules:\n  r:\n    given: $\n    then:\n      function: x\n" }), 422, "ruleset-empty");
    await expectAppError(importRuleset(admin(), { name: "js", source: "module.exports = { rules: {} };\n" }), 422, "ruleset-javascript");
    await expectAppError(importRuleset(admin(), { name: "Bad Name", source: RULESET }), 422);
    expect(changedTables(before, await snapshotDatabase())).toEqual([]);
  });
});

describe("uploads are linted with the enabled rulesets", () => {
  it("the ruleset's error blocks publishing and its warning does not; disabled, the version publishes", async () => {
    const { id } = await importRuleset(admin(), { name: "acme", source: RULESET });

    // Both broken: refused at publish.
    const broken = await upload(slug, { source: documentWith("2.0.0", "list_lockers") }, developer);
    expect(broken.status).toBe(201);
    expect(ruleIds(broken.json.lintReport)).toContain("error acme/operation-id-camel-case");
    expect(broken.json.lintReport.problems).toContainEqual({ ruleId: "acme/info-contact", severity: "warn", message: "info.contact is missing: say whom consumers ask.", pointer: "/info/contact", line: 2, column: 1 });
    expect(broken.json.lintReport.problems).toContainEqual(expect.objectContaining({ ruleId: "acme/operation-id-camel-case", severity: "error", pointer: "/paths/~1lockers/get/operationId", message: "operationId is camelCase." }));
    // The mapped override: info-license (a built-in warning) is off while the ruleset is enabled.
    expect(ruleIds(broken.json.lintReport)).not.toContain("warn info-license");
    expect(broken.json.lintReport.errors).toBe(1);
    expectProblem(await transition(slug, "2.0.0", { action: "publish" }, { token: teamAdmin }), 409, "governance-errors");

    // Only the warning: publishes.
    const warned = await upload(slug, { source: documentWith("3.0.0", "listLockers") }, developer);
    expect(warned.json.lintReport.errors).toBe(0);
    expect(ruleIds(warned.json.lintReport)).toContain("warn acme/info-contact");
    expect((await transition(slug, "3.0.0", { action: "publish" }, { token: teamAdmin })).status).toBe(200);

    // Disabled: the broken document has no ruleset findings, and publishes; the built-in info-license is back.
    await setRulesetEnabled(admin(), id, false);
    const unchecked = await upload(slug, { source: documentWith("4.0.0", "list_lockers") }, developer);
    expect(ruleIds(unchecked.json.lintReport).filter((rule) => rule.includes("acme/"))).toEqual([]);
    expect(ruleIds(unchecked.json.lintReport)).toContain("warn info-license");
    expect((await transition(slug, "4.0.0", { action: "publish" }, { token: teamAdmin })).status).toBe(200);

    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "governance.ruleset_disabled" } })).toMatchObject({ targetId: id, before: { enabled: true }, after: { enabled: false } });
    await setRulesetEnabled(admin(), id, true);
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "governance.ruleset_enabled" } })).toMatchObject({ targetId: id, before: { enabled: false }, after: { enabled: true } });
    // Switching to the state it is in changes nothing and records nothing.
    await setRulesetEnabled(admin(), id, true);
    expect(await db.auditEvent.count({ where: { action: { in: ["governance.ruleset_enabled", "governance.ruleset_disabled"] } } })).toBe(2);
  });

  it("deleted, a ruleset no longer applies; deleting is audited", async () => {
    const { id } = await importRuleset(admin(), { name: "acme", source: RULESET });
    await deleteRuleset(admin(), id);
    expect(await db.governanceRuleset.count()).toBe(0);
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "governance.ruleset_deleted" } })).toMatchObject({ targetId: id, before: { name: "acme", enabled: true, rules: 2 } });
    const uploaded = await upload(slug, { source: documentWith("2.0.0", "list_lockers") }, developer);
    expect(ruleIds(uploaded.json.lintReport).filter((rule) => rule.includes("acme/"))).toEqual([]);
    await expectAppError(deleteRuleset(admin(), id), 404);
    await expectAppError(setRulesetEnabled(admin(), id, false), 404);
  });
});

describe("only platform admins", () => {
  it("a team OWNER, any other MEMBER, or nobody gets 403 (401 signed out), and nothing changes", async () => {
    const { id } = await importRuleset(admin(), { name: "acme", source: RULESET });
    const outsiders = [people.members.OWNER, people.members.DEVELOPER, people.outsider];
    for (const user of outsiders) expect(user.platformRole).toBe("MEMBER");
    const before = await snapshotDatabase();
    for (const actor of [...outsiders.map((user) => user.actor), null]) {
      const status = actor ? 403 : 401;
      await expectAppError(previewRuleset(actor, { name: "other", source: RULESET }), status);
      await expectAppError(importRuleset(actor, { name: "other", source: RULESET }), status);
      await expectAppError(listRulesets(actor), status);
      await expectAppError(setRulesetEnabled(actor, id, false), status);
      await expectAppError(deleteRuleset(actor, id), status);
      await expectAppError(setGovernanceRule(actor, "info-license", "error"), status);
      await expectAppError(listGovernanceRules(actor), status);
    }
    expect(changedTables(before, await snapshotDatabase())).toEqual([]);
  });
});
