import { db } from "@/lib/db";
import { conflict, isUniqueViolation } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import type { MaybeActor } from "@/lib/authz/actor";
import { authorizeTeamAction } from "@/lib/teams/access";
import { createApiInput, type CreateApiInput } from "./schemas";

/** A team DEVELOPER (and up) creates an API owned by the team; it has no version yet. */
export async function createApi(actor: MaybeActor, input: CreateApiInput) {
  const data = createApiInput.parse(input);
  const { team, actor: allowed } = await authorizeTeamAction(actor, data.team, "api.create");
  try {
    return await db.$transaction(async (tx) => {
      const api = await tx.api.create({
        data: {
          teamId: team.id,
          slug: data.slug,
          name: data.name,
          summary: data.summary,
          description: data.description,
          visibility: data.visibility,
          tags: data.tags,
          category: data.category,
          contactEmail: data.contactEmail ?? null,
        },
        select: { id: true, slug: true, name: true, visibility: true, teamId: true },
      });
      await recordAudit(tx, { actor: allowed, teamId: team.id, action: "api.created", target: { type: "api", id: api.id }, after: { slug: api.slug, name: api.name, visibility: api.visibility } });
      return api;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`The slug "${data.slug}" is taken by another API; choose another.`, "slug-taken");
    throw error;
  }
}
