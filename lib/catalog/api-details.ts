import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import type { LifecycleState } from "@/lib/generated/prisma/enums";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { MaybeActor } from "@/lib/authz/actor";
import { canSeeApi, isPlatformAdmin } from "@/lib/authz/permissions";
import { plansForViewer } from "@/lib/plans/offer";

const PUBLIC_STATES: LifecycleState[] = ["PUBLISHED", "DEPRECATED", "RETIRED"];

// Semver order: a release before its pre-releases (nulls first when descending).
const NEWEST_FIRST: Prisma.ApiVersionOrderByWithRelationInput[] = [{ major: "desc" }, { minor: "desc" }, { patch: "desc" }, { prerelease: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }];

/**
 * The API by slug as the actor may see it, with the actor's role in the owner
 * team; 404 otherwise. Every read or change of an API starts here.
 */
export async function findVisibleApi(actor: MaybeActor, slug: string) {
  const api = await db.api.findUnique({
    where: { slug },
    include: { team: { select: { id: true, slug: true, name: true, requireReview: true } } },
  });
  if (!api) throw notFound("API");
  const membership = actor ? await db.membership.findUnique({ where: { teamId_userId: { teamId: api.teamId, userId: actor.userId } }, select: { role: true } }) : null;
  const context = { visibility: api.visibility, actorIsTeamMember: membership != null, hasCatalogVersion: api.catalogVersionId != null };
  if (!canSeeApi(actor, context)) throw notFound("API");
  const seesDrafts = membership != null || isPlatformAdmin(actor);
  return { api, role: membership?.role ?? null, seesDrafts };
}

const versionSummary = {
  id: true,
  version: true,
  state: true,
  publishedAt: true,
  deprecatedAt: true,
  sunsetAt: true,
  retiredAt: true,
  changelog: true,
  createdAt: true,
  replacement: { select: { version: true } },
} as const;

/** Everything the API page shows. */
export async function getApiOverview(actor: MaybeActor, slug: string) {
  const { api, role, seesDrafts } = await findVisibleApi(actor, slug);
  const [versions, plans, contacts] = await Promise.all([
    db.apiVersion.findMany({
      where: { apiId: api.id, ...(seesDrafts ? {} : { state: { in: PUBLIC_STATES } }) },
      select: versionSummary,
      orderBy: NEWEST_FIRST,
    }),
    db.plan.findMany({ where: { apiId: api.id }, orderBy: { createdAt: "asc" } }).then((plans) => plansForViewer(actor, api, plans, seesDrafts)),
    db.membership.findMany({
      where: { teamId: api.teamId, role: { in: ["OWNER", "ADMIN"] } },
      select: { role: true, user: { select: { name: true, email: true } } },
      orderBy: { createdAt: "asc" },
      take: 5,
    }),
  ]);
  return {
    api: {
      id: api.id,
      slug: api.slug,
      name: api.name,
      summary: api.summary,
      description: api.description,
      visibility: api.visibility,
      tags: api.tags,
      category: api.category,
      contactName: api.contactName,
      contactEmail: api.contactEmail,
      updatedAt: api.updatedAt,
      catalogVersionId: api.catalogVersionId,
      team: api.team,
    },
    viewerRole: role,
    versions,
    plans,
    owners: contacts.map((c) => ({ role: c.role, name: c.user.name, email: c.user.email })),
  };
}

/**
 * One version with its OpenAPI document. `version` may be "latest": the
 * catalog's version, or for the owner team the newest version of any state.
 */
export async function getVersionDocument(actor: MaybeActor, slug: string, version: string) {
  const { api, seesDrafts } = await findVisibleApi(actor, slug);
  const where =
    version === "latest"
      ? api.catalogVersionId
        ? { id: api.catalogVersionId }
        : seesDrafts
          ? { apiId: api.id }
          : null
      : { apiId: api.id, version, ...(seesDrafts ? {} : { state: { in: PUBLIC_STATES } }) };
  if (!where) throw notFound("version");
  const found = await db.apiVersion.findFirst({
    where,
    select: { ...versionSummary, openapiDocument: true, sourceDocument: true, sourceFormat: true, specHash: true },
    orderBy: NEWEST_FIRST,
  });
  if (!found) throw notFound("version");
  return { api: { id: api.id, slug: api.slug, name: api.name, team: api.team }, version: found };
}
