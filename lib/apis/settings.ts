import { db, type Tx } from "@/lib/db";
import { AppError, conflict, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import { assertCanOnVisibleApi } from "@/lib/authz/permissions";
import type { Actor, MaybeActor } from "@/lib/authz/actor";
import { findVisibleApi } from "@/lib/catalog/api-details";
import { updateApiSettingsInput, updateUpstreamInput, type UpdateApiSettingsInput } from "./schemas";

export const apiSettingsFields = {
  id: true,
  slug: true,
  teamId: true,
  name: true,
  summary: true,
  description: true,
  visibility: true,
  tags: true,
  category: true,
  contactEmail: true,
  minNoticeDays: true,
  cacheEnabled: true,
  cacheTtlSeconds: true,
  keyless: true,
  updatedAt: true,
} as const;

const versionFields = { id: true, version: true, state: true, upstreamUrl: true } as const;

// Semver order, newest first, as the API page lists versions.
const NEWEST_FIRST = [{ major: "desc" }, { minor: "desc" }, { patch: "desc" }, { prerelease: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }] as const;

type SettingsKey = Exclude<keyof typeof apiSettingsFields, "id" | "slug" | "teamId" | "updatedAt">;

/** The API as its team's ADMIN (and up) may change it: 404 when invisible, 403 below ADMIN. */
async function authorizeSettings(actor: MaybeActor, slug: string) {
  const { api, role } = await findVisibleApi(actor, slug);
  assertCanOnVisibleApi(actor, "api.settings", { teamId: api.teamId, role });
  return { api, actor: actor as Actor };
}

async function versionsOf(client: Tx | typeof db, apiId: string) {
  return client.apiVersion.findMany({ where: { apiId }, select: versionFields, orderBy: [...NEWEST_FIRST] });
}

/** What the settings page shows: the API's settings and every version with its upstream. */
export async function getApiSettings(actor: MaybeActor, slug: string) {
  const { api: found } = await authorizeSettings(actor, slug);
  const [api, versions] = await Promise.all([
    db.api.findUniqueOrThrow({ where: { id: found.id }, select: { ...apiSettingsFields, team: { select: { slug: true, name: true } } } }),
    versionsOf(db, found.id),
  ]);
  return { api, versions };
}

const keylessNeedsPublic = () =>
  new AppError("validation", "Only a PUBLIC API can be called without a key. Make the API PUBLIC first, or leave keyless off.", {
    code: "keyless-needs-public",
    errors: [{ pointer: "/keyless", detail: "Allowed only when the visibility is PUBLIC" }],
  });

/**
 * Changes an API's details, visibility and gateway behaviour. Keyless is
 * allowed only on a PUBLIC API, and turning visibility away from PUBLIC turns
 * it off. Fields equal to the stored ones are not changes: a save without any
 * writes no audit event.
 */
export async function updateApiSettings(actor: MaybeActor, slug: string, input: UpdateApiSettingsInput) {
  const data = updateApiSettingsInput.parse(input);
  const { api, actor: caller } = await authorizeSettings(actor, slug);
  return db.$transaction(async (tx) => {
    // Locked, so a concurrent "make INTERNAL" and "turn keyless on" cannot both pass against the old visibility.
    await tx.$queryRaw`SELECT 1 FROM "Api" WHERE "id" = ${api.id} FOR UPDATE`;
    const before = await tx.api.findUniqueOrThrow({ where: { id: api.id }, select: apiSettingsFields });
    const visibility = data.visibility ?? before.visibility;
    if (data.keyless === true && visibility !== "PUBLIC") throw keylessNeedsPublic();
    const wanted = { ...data, keyless: visibility === "PUBLIC" ? (data.keyless ?? before.keyless) : false };
    const changes: Partial<typeof wanted> = {};
    for (const field of Object.keys(wanted) as SettingsKey[]) {
      if (wanted[field] !== undefined && JSON.stringify(wanted[field]) !== JSON.stringify(before[field])) Object.assign(changes, { [field]: wanted[field] });
    }
    if (Object.keys(changes).length === 0) return { ...before, versions: await versionsOf(tx, api.id) };
    const after = await tx.api.update({ where: { id: api.id }, data: changes, select: apiSettingsFields });
    const changed = Object.keys(changes) as SettingsKey[];
    await recordAudit(tx, {
      actor: caller,
      teamId: api.teamId,
      action: "api.updated",
      target: { type: "api", id: api.id },
      before: Object.fromEntries(changed.map((field) => [field, before[field]])),
      after: Object.fromEntries(changed.map((field) => [field, after[field]])),
    });
    return { ...after, versions: await versionsOf(tx, api.id) };
  });
}

/**
 * Points a version at its upstream (or removes it with null). Any state but
 * RETIRED: a retired version's calls are answered 410 by the gateway, so its
 * upstream no longer matters and its record stays as it was.
 */
export async function updateVersionUpstream(actor: MaybeActor, slug: string, version: string, upstreamUrl: string | null) {
  const data = updateUpstreamInput.parse({ upstreamUrl });
  const { api, actor: caller } = await authorizeSettings(actor, slug);
  return db.$transaction(async (tx) => {
    const before = await tx.apiVersion.findUnique({ where: { apiId_version: { apiId: api.id, version } }, select: versionFields });
    if (!before) throw notFound("version");
    const retired = () => conflict(`${api.slug} ${before.version} is retired: its upstream can no longer be changed.`, "version-retired");
    if (before.state === "RETIRED") throw retired();
    if (before.upstreamUrl === data.upstreamUrl) return { api: api.slug, ...before };
    // Conditional, so a retirement committed since the read is not overwritten.
    const { count } = await tx.apiVersion.updateMany({ where: { id: before.id, state: { not: "RETIRED" } }, data: { upstreamUrl: data.upstreamUrl } });
    if (count === 0) throw retired();
    await recordAudit(tx, {
      actor: caller,
      teamId: api.teamId,
      action: "version.upstream_changed",
      target: { type: "api_version", id: before.id },
      before: { api: api.slug, version: before.version, upstreamUrl: before.upstreamUrl },
      after: { api: api.slug, version: before.version, upstreamUrl: data.upstreamUrl },
    });
    return { api: api.slug, ...before, upstreamUrl: data.upstreamUrl };
  });
}
