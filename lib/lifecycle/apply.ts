import semver from "semver";
import { z } from "zod";
import { db, type Tx } from "@/lib/db";
import { AppError, conflict, forbidden, notFound, unauthenticated } from "@/lib/errors";
import type { LifecycleState } from "@/lib/generated/prisma/enums";
import { recordAudit } from "@/lib/audit/record";
import { assertCanOnVisibleApi, can, type TeamContext } from "@/lib/authz/permissions";
import { findVisibleApi } from "@/lib/catalog/api-details";
import type { MaybeActor } from "@/lib/authz/actor";
import { lockApi, refreshCatalogVersion } from "@/lib/catalog/versions";
import { notifyUsers, subscriberUserIds } from "@/lib/notifications/notify";
import { enqueueVersionEvent } from "@/lib/webhooks/events";
import { LIFECYCLE_ACTIONS, TRANSITIONS, pastTense, stateRefusal, type LifecycleAction } from "./transitions";

export const transitionInput = z.object({
  action: z.enum(LIFECYCLE_ACTIONS),
  /** Why: required to send a review back, and to publish a breaking change without a major version. */
  reason: z.string().trim().max(2000).optional(),
  sunsetAt: z.coerce.date().optional(),
  replacementVersion: z.string().trim().max(100).optional(),
  /** Publish although the version breaks the previous one without a major bump (team ADMIN, with reason). */
  overrideBreaking: z.boolean().optional(),
});
export type TransitionInput = z.input<typeof transitionInput>;

const DAY = 86_400_000;

/** The API and version as the actor may act on them; 404 when they may not see them. */
export async function loadVersionForAction(actor: MaybeActor, slug: string, version: string) {
  if (!actor) throw unauthenticated();
  const { api, role, seesDrafts } = await findVisibleApi(actor, slug);
  const team: TeamContext = { teamId: api.teamId, role };
  const found = await db.apiVersion.findUnique({ where: { apiId_version: { apiId: api.id, version } } });
  if (!found || (!seesDrafts && (found.state === "DRAFT" || found.state === "IN_REVIEW"))) throw notFound("version");
  return { api, version: found, team, actor };
}



/** The submitter of the review in progress: the actor of the last move into IN_REVIEW. */
async function submitterOf(client: Pick<Tx, "lifecycleEvent">, versionId: string) {
  const event = await client.lifecycleEvent.findFirst({ where: { versionId, to: "IN_REVIEW" }, orderBy: { createdAt: "desc" }, select: { actorId: true } });
  return event?.actorId ?? null;
}

/** The newest PUBLISHED or DEPRECATED version below this one: what it must stay compatible with. */
export async function previousReleased(client: Pick<Tx, "apiVersion">, apiId: string, version: string) {
  const released = await client.apiVersion.findMany({ where: { apiId, state: { in: ["PUBLISHED", "DEPRECATED"] } }, select: { id: true, version: true, openapiDocument: true } });
  return released.filter((v) => semver.lt(v.version, version)).sort((a, b) => semver.rcompare(a.version, b.version))[0] ?? null;
}

/** Does moving from `previous` to `next` bump the major version (for 0.x, the minor)? */
export function isMajorBump(previous: string, next: string): boolean {
  const from = semver.parse(previous)!;
  const to = semver.parse(next)!;
  return from.major === 0 && to.major === 0 ? to.minor > from.minor : to.major > from.major;
}

interface ChangeReport {
  againstVersion: string | null;
  breaking: number;
}

/** Refusals of publishing: governance errors, and breaking changes without a major bump (unless overridden). */
function publishRefusal(version: { version: string; lintReport: unknown; changeReport: unknown }, input: z.output<typeof transitionInput>): AppError | null {
  const lint = version.lintReport as { errors?: number } | null;
  if (lint?.errors) {
    return new AppError("conflict", `The document has ${lint.errors} governance ${lint.errors === 1 ? "error" : "errors"}: fix ${lint.errors === 1 ? "it" : "them"} and upload a new draft.`, { code: "governance-errors" });
  }
  const changes = version.changeReport as ChangeReport | null;
  if (changes?.breaking && changes.againstVersion && !isMajorBump(changes.againstVersion, version.version)) {
    if (!input.overrideBreaking) {
      return new AppError("conflict", `${changes.breaking} breaking ${changes.breaking === 1 ? "change" : "changes"} against ${changes.againstVersion} without a major version bump. Release it as a new major version, or override with a written reason.`, { code: "breaking-without-major" });
    }
    if (!input.reason || input.reason.length < 10) {
      return new AppError("validation", "Overriding the breaking-change check needs a written reason (at least 10 characters).", { errors: [{ pointer: "/reason", detail: "required when overriding" }] });
    }
  }
  return null;
}

/**
 * Moves a version through its lifecycle: the one path every page, REST route
 * and CLI call takes. Checks visibility (404), permission (403), the state
 * table and its rules (409/422), then changes the state with a conditional
 * update, so of two concurrent attempts exactly one wins.
 */
export async function applyTransition(actorOrNull: MaybeActor, slug: string, versionName: string, rawInput: TransitionInput) {
  const input = transitionInput.parse(rawInput);
  const transition = TRANSITIONS[input.action];
  const { api, version, team, actor } = await loadVersionForAction(actorOrNull, slug, versionName);
  assertCanOnVisibleApi(actor, transition.permission, team);
  const now = new Date();
  const refusal = stateRefusal(input.action, { state: version.state, requireReview: api.team.requireReview, sunsetAt: version.sunsetAt, now });
  if (refusal) throw conflict(refusal, "illegal-transition");

  if ((input.action === "approve" || input.action === "reject") && (await submitterOf(db, version.id)) === actor.userId) {
    throw forbidden("You submitted this version: another ADMIN of the team reviews it (four eyes).");
  }
  if (input.action === "reject" && !input.reason) {
    throw new AppError("validation", "Say what needs to change before it can be published.", { errors: [{ pointer: "/reason", detail: "required" }] });
  }
  if (input.action === "publish" || input.action === "approve") {
    const refused = publishRefusal(version, input);
    if (refused) throw refused;
  }
  if (input.action === "deprecate") {
    const earliest = new Date(now.getTime() + api.minNoticeDays * DAY);
    if (!input.sunsetAt) throw new AppError("validation", "Deprecating needs a sunset date.", { errors: [{ pointer: "/sunsetAt", detail: "required" }] });
    if (input.sunsetAt < earliest) {
      throw new AppError("validation", `The sunset date must be at least ${api.minNoticeDays} days ahead (${earliest.toISOString().slice(0, 10)} or later).`, { errors: [{ pointer: "/sunsetAt", detail: "too soon" }] });
    }
  }

  const from = version.state;
  const to = transition.to;
  const result = await db.$transaction(async (tx) => {
    await lockApi(tx, api.id);
    // Checked under the lock: two versions must not each become the other's replacement.
    let replacementId: string | null = null;
    if (input.action === "deprecate" && input.replacementVersion) {
      const replacement = await tx.apiVersion.findUnique({ where: { apiId_version: { apiId: api.id, version: input.replacementVersion } }, select: { id: true, state: true } });
      if (!replacement || replacement.state !== "PUBLISHED" || replacement.id === version.id) {
        throw new AppError("validation", `The replacement must be another published version of ${api.name}.`, { errors: [{ pointer: "/replacementVersion", detail: "not a published version" }] });
      }
      replacementId = replacement.id;
    }
    if (to === null) {
      const { count } = await tx.apiVersion.deleteMany({ where: { id: version.id, state: from } });
      if (count === 0) throw conflict("The version changed meanwhile; reload and try again.", "concurrent-change");
    } else {
      const { count } = await tx.apiVersion.updateMany({
        where: { id: version.id, state: from },
        data: {
          state: to,
          ...(to === "PUBLISHED" && !version.publishedAt ? { publishedAt: now } : {}),
          ...(input.action === "deprecate" ? { deprecatedAt: now, sunsetAt: input.sunsetAt, replacementId } : {}),
          ...(input.action === "undeprecate" ? { deprecatedAt: null, sunsetAt: null, replacementId: null } : {}),
          ...(input.action === "retire" ? { retiredAt: now } : {}),
        },
      });
      if (count === 0) throw conflict("The version changed meanwhile; reload and try again.", "concurrent-change");
      await tx.lifecycleEvent.create({ data: { versionId: version.id, from, to, actorId: actor.userId, reason: input.reason ?? null } });
    }
    await recordAudit(tx, {
      actor,
      teamId: api.teamId,
      action: `version.${pastTense(input.action).replace(" ", "_")}`,
      target: { type: "api_version", id: version.id },
      before: { state: from },
      after: {
        api: api.slug,
        version: version.version,
        state: to ?? "DELETED",
        ...(input.reason ? { reason: input.reason } : {}),
        ...(input.overrideBreaking ? { overrideBreaking: true } : {}),
        ...(input.sunsetAt ? { sunsetAt: input.sunsetAt.toISOString() } : {}),
        ...(input.replacementVersion ? { replacementVersion: input.replacementVersion } : {}),
      },
    });
    await refreshCatalogVersion(tx, api.id);
    if (input.action === "deprecate" || input.action === "retire") {
      const sunset = input.sunsetAt ?? version.sunsetAt;
      await notifyUsers(tx, await subscriberUserIds(tx, api.id), {
        kind: `version.${input.action === "deprecate" ? "deprecated" : "retired"}`,
        title: input.action === "deprecate" ? `${api.name} ${version.version} is deprecated` : `${api.name} ${version.version} is retired`,
        body:
          input.action === "deprecate"
            ? `It will be retired on ${sunset?.toISOString().slice(0, 10)}.${input.replacementVersion ? ` Move to ${input.replacementVersion}.` : ""}`
            : "The gateway now refuses its calls.",
        link: `/apis/${api.slug}/docs?version=${encodeURIComponent(version.version)}`,
      });
    }
    if (to === "PUBLISHED" && input.action !== "undeprecate") {
      await enqueueVersionEvent(tx, "version.published", { api, version: { ...version, publishedAt: version.publishedAt ?? now } });
    } else if (input.action === "deprecate") {
      await enqueueVersionEvent(tx, "version.deprecated", { api, version: { ...version, deprecatedAt: now, sunsetAt: input.sunsetAt, replacementVersion: input.replacementVersion } });
    } else if (input.action === "retire") {
      await enqueueVersionEvent(tx, "version.retired", { api, version: { ...version, retiredAt: now } });
    }
    return { state: (to ?? "DELETED") as LifecycleState | "DELETED" };
  });
  return { api: api.slug, version: version.version, ...result };
}

/** The lifecycle actions this actor may take on this version now, for pages to offer. */
export async function availableActions(actor: MaybeActor, slug: string, versionName: string): Promise<LifecycleAction[]> {
  if (!actor) return [];
  const { api, version, team } = await loadVersionForAction(actor, slug, versionName);
  const submitter = version.state === "IN_REVIEW" ? await submitterOf(db, version.id) : null;
  const now = new Date();
  return LIFECYCLE_ACTIONS.filter(
    (action) =>
      can(actor, TRANSITIONS[action].permission, team) &&
      stateRefusal(action, { state: version.state, requireReview: api.team.requireReview, sunsetAt: version.sunsetAt, now }) === null &&
      !((action === "approve" || action === "reject") && submitter === actor.userId),
  );
}
