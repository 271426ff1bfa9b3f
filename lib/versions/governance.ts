import { z } from "zod";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import { assertPlatformAdmin } from "@/lib/authz/permissions";
import type { MaybeActor } from "@/lib/authz/actor";
import { PORTICO_RULES, type RuleSettings } from "@/lib/specs/lint";

export const severitySchema = z.enum(["error", "warn", "off"]);

/** The platform's rule settings; rules without a row keep their default. */
export async function governanceSettings(): Promise<RuleSettings> {
  const rows = await db.governanceRule.findMany({ select: { ruleId: true, severity: true } });
  return Object.fromEntries(rows.map((row) => [row.ruleId, severitySchema.catch("warn").parse(row.severity)]));
}

export async function listGovernanceRules(actor: MaybeActor) {
  assertPlatformAdmin(actor);
  const settings = await governanceSettings();
  return PORTICO_RULES.map((rule) => ({ ...rule, severity: settings[rule.id] ?? rule.defaultSeverity }));
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
