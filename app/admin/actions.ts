"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/actions/run";
import { setPlatformRole } from "@/lib/users/admin";
import { setGovernanceRule } from "@/lib/versions/governance";

export async function setPlatformRoleAction(userId: string, role: "ADMIN" | "MEMBER") {
  const result = await runAction((actor) => setPlatformRole(actor, userId, role).then(() => undefined));
  // Re-render only on success, so a refusal stays visible where it happened.
  if (result?.ok) revalidatePath("/admin");
  return result;
}

export async function setGovernanceRuleAction(ruleId: string, severity: "error" | "warn" | "off") {
  const result = await runAction((actor) => setGovernanceRule(actor, ruleId, severity));
  if (result?.ok) revalidatePath("/admin/governance");
  return result;
}
