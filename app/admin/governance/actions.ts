"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/actions/run";
import { deleteRuleset, importRuleset, previewRuleset, setRulesetEnabled, type RulesetInput } from "@/lib/versions/governance";
import type { RulesetImport } from "@/lib/specs/rulesets";

/** What the preview shows: the decisions, and what will apply. */
export interface RulesetPreview {
  name: string;
  counts: RulesetImport["counts"];
  items: RulesetImport["items"];
  rules: { name: string; severity: string }[];
  builtinOverrides: Record<string, string>;
}

export async function previewRulesetAction(input: RulesetInput) {
  return runAction<RulesetPreview>(async (actor) => {
    const imported = await previewRuleset(actor, input);
    return {
      data: {
        name: imported.definition.name,
        counts: imported.counts,
        items: imported.items,
        rules: imported.definition.rules.map((rule) => ({ name: rule.name, severity: rule.severity })),
        builtinOverrides: imported.definition.builtinOverrides,
      },
    };
  });
}

export async function importRulesetAction(input: RulesetInput) {
  const result = await runAction(async (actor) => {
    const created = await importRuleset(actor, input);
    return { message: `Ruleset ${created.name} saved and enabled: uploads from now on are linted with it.` };
  });
  if (result?.ok) revalidatePath("/admin/governance");
  return result;
}

export async function setRulesetEnabledAction(id: string, enabled: boolean) {
  const result = await runAction(async (actor) => {
    await setRulesetEnabled(actor, id, enabled);
  });
  if (result?.ok) revalidatePath("/admin/governance");
  return result;
}

export async function deleteRulesetAction(id: string) {
  const result = await runAction(async (actor) => {
    await deleteRuleset(actor, id);
  });
  if (result?.ok) revalidatePath("/admin/governance");
  return result;
}
