"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/actions/run";
import { createPlan, updatePlan } from "@/lib/plans/plans";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

function planFields(form: FormData) {
  return {
    name: text(form, "name"),
    description: text(form, "description"),
    rateLimitPerMinute: text(form, "rateLimitPerMinute") as unknown as number,
    monthlyQuota: text(form, "monthlyQuota") as unknown as number,
    requiresApproval: form.get("requiresApproval") === "on",
    visibility: text(form, "visibility") === "RESTRICTED" ? ("RESTRICTED" as const) : ("PUBLIC" as const),
    allowedTeams: text(form, "allowedTeams"),
  };
}

export async function savePlanAction(apiSlug: string, planId: string | null, _previous: unknown, form: FormData) {
  const result = await runAction(async (actor) => {
    if (planId) await updatePlan(actor, apiSlug, planId, planFields(form));
    else await createPlan(actor, apiSlug, planFields(form));
    return { message: planId ? "Plan saved." : "Plan created." };
  });
  if (result?.ok) revalidatePath(`/apis/${apiSlug}`, "layout");
  return result;
}

export async function setPlanDeprecatedAction(apiSlug: string, planId: string, deprecated: boolean) {
  const result = await runAction(async (actor) => {
    await updatePlan(actor, apiSlug, planId, { deprecated });
  });
  if (result?.ok) revalidatePath(`/apis/${apiSlug}`, "layout");
  return result;
}
