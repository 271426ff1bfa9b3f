import { z } from "zod";
import { db } from "@/lib/db";
import { AppError, conflict, isUniqueViolation, notFound } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { recordAudit } from "@/lib/audit/record";
import { assertPlatformAdmin } from "@/lib/authz/permissions";
import type { MaybeActor } from "@/lib/authz/actor";
import { PORTICO_RULES, type GovernanceConfig, type RuleSettings } from "@/lib/specs/lint";
import { appliesAnything, checkRulesetName, parseRuleset, storedRulesetSchema, toStored, type RulesetDefinition, type RulesetImport, type StoredRuleset } from "@/lib/specs/rulesets";

export const severitySchema = z.enum(["error", "warn", "off"]);

async function builtinSettings(): Promise<RuleSettings> {
  const rows = await db.governanceRule.findMany({ select: { ruleId: true, severity: true } });
  return Object.fromEntries(rows.map((row) => [row.ruleId, severitySchema.catch("warn").parse(row.severity)]));
}

/** The enabled imported rulesets, oldest first (a later one's overrides win). */
async function enabledRulesets(): Promise<RulesetDefinition[]> {
  const rows = await db.governanceRuleset.findMany({ where: { enabled: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { name: true, rules: true } });
  return rows.map((row) => {
    const stored = storedRulesetSchema.parse(row.rules);
    return { name: row.name, rules: stored.rules, builtinOverrides: stored.builtinOverrides };
  });
}

/**
 * What every upload is linted with: the built-in rules' severities (rules
 * without a row keep their default) and the enabled imported rulesets.
 */
export async function governanceSettings(): Promise<GovernanceConfig> {
  const [rules, rulesets] = await Promise.all([builtinSettings(), enabledRulesets()]);
  return { rules, rulesets };
}

export async function listGovernanceRules(actor: MaybeActor) {
  assertPlatformAdmin(actor);
  const { rules: settings, rulesets } = await governanceSettings();
  // An enabled ruleset that changes a built-in rule says so next to it.
  const overrides = new Map<string, { ruleset: string; severity: string }>();
  for (const ruleset of rulesets) for (const [ruleId, severity] of Object.entries(ruleset.builtinOverrides)) overrides.set(ruleId, { ruleset: ruleset.name, severity });
  return PORTICO_RULES.map((rule) => ({ ...rule, severity: settings[rule.id] ?? rule.defaultSeverity, overriddenBy: overrides.get(rule.id) ?? null }));
}

/** A platform ADMIN switches a rule off or changes its severity. */
export async function setGovernanceRule(actor: MaybeActor, ruleId: string, severity: z.input<typeof severitySchema>) {
  assertPlatformAdmin(actor);
  const rule = PORTICO_RULES.find((r) => r.id === ruleId);
  if (!rule) throw new AppError("validation", `There is no rule "${ruleId}".`, { errors: [{ pointer: "/ruleId", detail: "unknown rule" }] });
  const value = severitySchema.parse(severity);
  await db.$transaction(async (tx) => {
    const before = await tx.governanceRule.findUnique({ where: { ruleId } });
    await tx.governanceRule.upsert({ where: { ruleId }, create: { ruleId, severity: value, updatedById: actor.userId }, update: { severity: value, updatedById: actor.userId } });
    await recordAudit(tx, { actor, action: "governance.rule_changed", target: { type: "governance_rule", id: ruleId }, before: { severity: before?.severity ?? rule.defaultSeverity }, after: { severity: value } });
  });
}

// ---------------------------------------------------------------------------
// Imported rulesets (lib/specs/rulesets.ts): platform ADMIN only.

export const rulesetInput = z.object({
  name: z.string(),
  source: z.string(),
  /** The uploaded file's name, when it came as a file (a .js file is refused as JavaScript). */
  fileName: z.string().max(300).optional(),
});
export type RulesetInput = z.input<typeof rulesetInput>;

async function assertNameFree(name: string) {
  if (await db.governanceRuleset.findUnique({ where: { name }, select: { id: true } })) {
    throw new AppError("conflict", `A ruleset named "${name}" already exists: choose another name, or delete that one first.`, { code: "ruleset-exists", errors: [{ pointer: "/name", detail: "already taken" }] });
  }
}

function readInput(raw: RulesetInput): { imported: RulesetImport; source: string } {
  const input = rulesetInput.parse(raw);
  const name = checkRulesetName(input.name);
  return { imported: parseRuleset(input.source, { name, fileName: input.fileName }), source: input.source };
}

/** What importing the ruleset would do, without storing anything: the preview step. */
export async function previewRuleset(actor: MaybeActor, raw: RulesetInput): Promise<RulesetImport> {
  assertPlatformAdmin(actor);
  const { imported } = readInput(raw);
  await assertNameFree(imported.definition.name);
  return imported;
}

const countsOf = (stored: StoredRuleset) => ({
  rules: stored.rules.length,
  mapped: stored.items.filter((item) => item.status === "mapped").length,
  ignored: stored.items.filter((item) => item.status === "ignored").length,
  refused: stored.items.filter((item) => item.status === "refused").length,
});

/**
 * Stores the ruleset, enabled: every later upload is linted with it. The
 * text is read again here (what the preview showed is not trusted); the
 * refused and ignored parts are dropped, as the preview said.
 */
export async function importRuleset(actor: MaybeActor, raw: RulesetInput) {
  assertPlatformAdmin(actor);
  const { imported, source } = readInput(raw);
  if (!appliesAnything(imported)) {
    throw new AppError("validation", "Nothing in this ruleset can be applied (see what was refused and ignored), so it was not saved.", { code: "ruleset-empty", errors: [{ pointer: "/source", detail: "no rule or mapped setting to apply" }] });
  }
  const name = imported.definition.name;
  await assertNameFree(name);
  const stored = toStored(imported);
  try {
    return await db.$transaction(async (tx) => {
      const created = await tx.governanceRuleset.create({
        data: { name, source, rules: stored as unknown as Prisma.InputJsonValue, enabled: true, createdById: actor.userId },
        select: { id: true, name: true, enabled: true },
      });
      await recordAudit(tx, { actor, action: "governance.ruleset_imported", target: { type: "governance_ruleset", id: created.id }, after: { name, enabled: true, ...countsOf(stored), builtinOverrides: stored.builtinOverrides } });
      return { ...created, counts: imported.counts };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`A ruleset named "${name}" was imported a moment ago.`, "ruleset-exists");
    throw error;
  }
}

export async function listRulesets(actor: MaybeActor) {
  assertPlatformAdmin(actor);
  const rows = await db.governanceRuleset.findMany({
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, name: true, source: true, rules: true, enabled: true, createdAt: true, createdBy: { select: { email: true, name: true } } },
  });
  return rows.map((row) => {
    const stored = storedRulesetSchema.parse(row.rules);
    return {
      id: row.id,
      name: row.name,
      source: row.source,
      enabled: row.enabled,
      createdAt: row.createdAt,
      createdBy: row.createdBy?.name ?? row.createdBy?.email ?? null,
      rules: stored.rules.map((rule) => ({ name: rule.name, severity: rule.severity, description: rule.description ?? null })),
      builtinOverrides: stored.builtinOverrides,
      items: stored.items,
      counts: countsOf(stored),
    };
  });
}

/** Switches an imported ruleset on or off; uploads from then on are linted accordingly. */
export async function setRulesetEnabled(actor: MaybeActor, id: string, enabled: boolean) {
  assertPlatformAdmin(actor);
  const value = z.boolean().parse(enabled);
  return db.$transaction(async (tx) => {
    const before = await tx.governanceRuleset.findUnique({ where: { id }, select: { id: true, name: true, enabled: true } });
    if (!before) throw notFound("ruleset");
    if (before.enabled === value) return before;
    const after = await tx.governanceRuleset.update({ where: { id }, data: { enabled: value }, select: { id: true, name: true, enabled: true } });
    await recordAudit(tx, { actor, action: value ? "governance.ruleset_enabled" : "governance.ruleset_disabled", target: { type: "governance_ruleset", id }, before: { name: before.name, enabled: before.enabled }, after: { name: after.name, enabled: after.enabled } });
    return after;
  });
}

export async function deleteRuleset(actor: MaybeActor, id: string) {
  assertPlatformAdmin(actor);
  await db.$transaction(async (tx) => {
    const before = await tx.governanceRuleset.findUnique({ where: { id }, select: { id: true, name: true, enabled: true, rules: true } });
    if (!before) throw notFound("ruleset");
    await tx.governanceRuleset.delete({ where: { id } });
    await recordAudit(tx, { actor, action: "governance.ruleset_deleted", target: { type: "governance_ruleset", id }, before: { name: before.name, enabled: before.enabled, ...countsOf(storedRulesetSchema.parse(before.rules)) } });
  });
}
