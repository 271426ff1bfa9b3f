import { z } from "zod";
import { db } from "@/lib/db";
import { conflict, forbidden } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import { can } from "@/lib/authz/permissions";
import type { MaybeActor } from "@/lib/authz/actor";
import { loadVersionForAction } from "@/lib/lifecycle/apply";

export const changelogInput = z.object({ changelog: z.string().max(50_000) });

/** The generated changelog can be edited while the version is a draft (owner team DEVELOPER and up). */
export async function updateChangelog(actor: MaybeActor, slug: string, versionName: string, input: z.input<typeof changelogInput>) {
  const { changelog } = changelogInput.parse(input);
  const { api, version, team, actor: caller } = await loadVersionForAction(actor, slug, versionName);
  if (!can(caller, "version.upload", team)) throw forbidden("Only the owner team's developers (and up) edit the changelog.");
  if (version.state !== "DRAFT") throw conflict("The changelog is fixed once a version leaves draft.", "not-a-draft");
  await db.$transaction(async (tx) => {
    const { count } = await tx.apiVersion.updateMany({ where: { id: version.id, state: "DRAFT" }, data: { changelog: changelog.trim() || null } });
    if (count === 0) throw conflict("The version changed meanwhile; reload and try again.", "concurrent-change");
    await recordAudit(tx, { actor: caller, teamId: api.teamId, action: "version.changelog_edited", target: { type: "api_version", id: version.id }, before: { changelog: version.changelog }, after: { changelog } });
  });
}
