import { db } from "@/lib/db";
import type { MaybeActor } from "@/lib/authz/actor";
import { availableActions, isMajorBump, loadVersionForAction } from "@/lib/lifecycle/apply";
import { can } from "@/lib/authz/permissions";
import type { LintProblem } from "@/lib/specs/lint";
import type { SpecChange } from "@/lib/specs/diff";

export type { LintProblem } from "@/lib/specs/lint";
export type StoredChange = SpecChange;

/** Everything the version page shows: reports, history and the actions open to the viewer. */
export async function getVersionDetails(actor: MaybeActor, slug: string, versionName: string) {
  const { api, version, team, actor: viewer } = await loadVersionForAction(actor, slug, versionName);
  const [events, actions, released] = await Promise.all([
    db.lifecycleEvent.findMany({ where: { versionId: version.id }, orderBy: { createdAt: "asc" }, select: { from: true, to: true, reason: true, createdAt: true, actor: { select: { name: true, email: true } } } }),
    availableActions(actor, slug, versionName),
    db.apiVersion.findMany({ where: { apiId: api.id, state: "PUBLISHED", id: { not: version.id } }, select: { version: true }, orderBy: [{ major: "desc" }, { minor: "desc" }, { patch: "desc" }] }),
  ]);
  const lint = (version.lintReport ?? null) as { errors: number; warnings: number; problems: LintProblem[] } | null;
  const changes = (version.changeReport ?? null) as { againstVersion: string | null; breaking: number; nonBreaking: number; annotation: number; changes: StoredChange[] } | null;
  return {
    api: { slug: api.slug, name: api.name, requireReview: api.team.requireReview, minNoticeDays: api.minNoticeDays },
    /** The first sunset date a deprecation may choose (the notice period, plus a day). */
    earliestSunset: new Date(Date.now() + (api.minNoticeDays + 1) * 86_400_000).toISOString().slice(0, 10),
    version: {
      version: version.version,
      state: version.state,
      sourceFormat: version.sourceFormat,
      upstreamUrl: version.upstreamUrl,
      changelog: version.changelog,
      publishedAt: version.publishedAt,
      deprecatedAt: version.deprecatedAt,
      sunsetAt: version.sunsetAt,
      retiredAt: version.retiredAt,
      createdAt: version.createdAt,
    },
    lint,
    changes,
    /** Breaking changes that publishing would need an override for (none after a major bump). */
    breakingWithoutMajor: changes?.againstVersion && !isMajorBump(changes.againstVersion, version.version) ? changes.breaking : 0,
    events,
    actions,
    /** May the viewer edit the draft (its changelog)? */
    mayEdit: can(viewer, "version.upload", team),
    replacementCandidates: released.map((v) => v.version),
  };
}

