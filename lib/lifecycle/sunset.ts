// The scheduled side of the lifecycle: versions are retired when their sunset
// date arrives, and subscribers are reminded 30, 7 and 1 days before. Run by
// the job worker (lib/jobs/worker.ts) every minute; both steps are idempotent,
// so a worker that was down catches up when it starts again.
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { lockApi, refreshCatalogVersion } from "@/lib/catalog/versions";
import { notifyUsers, subscriberUserIds } from "@/lib/notifications/notify";
import { enqueueVersionEvent } from "@/lib/webhooks/events";
import { stateRefusal } from "./transitions";

export const REMINDER_DAYS = [30, 7, 1] as const;
const DAY = 86_400_000;
const SYSTEM = { userId: null, email: "system", requestId: "sunset-sweep" };

/** Retires every DEPRECATED version whose sunset has passed. Answers how many. */
export async function retireOverdueVersions(now = new Date()): Promise<number> {
  const due = await db.apiVersion.findMany({
    where: { state: "DEPRECATED", sunsetAt: { lte: now } },
    select: { id: true, version: true, sunsetAt: true, api: { select: { id: true, slug: true, name: true, teamId: true, team: { select: { requireReview: true } } } } },
  });
  let retired = 0;
  for (const version of due) {
    if (stateRefusal("retire", { state: "DEPRECATED", requireReview: version.api.team.requireReview, sunsetAt: version.sunsetAt, now })) continue;
    const done = await db.$transaction(async (tx) => {
      await lockApi(tx, version.api.id);
      const { count } = await tx.apiVersion.updateMany({ where: { id: version.id, state: "DEPRECATED", sunsetAt: { lte: now } }, data: { state: "RETIRED", retiredAt: now } });
      if (count === 0) return false;
      await tx.lifecycleEvent.create({ data: { versionId: version.id, from: "DEPRECATED", to: "RETIRED", actorId: null, reason: "The sunset date was reached." } });
      await recordAudit(tx, { actor: SYSTEM, teamId: version.api.teamId, action: "version.retired", target: { type: "api_version", id: version.id }, before: { state: "DEPRECATED" }, after: { api: version.api.slug, version: version.version, state: "RETIRED", reason: "sunset" } });
      await refreshCatalogVersion(tx, version.api.id);
      await notifyUsers(tx, await subscriberUserIds(tx, version.api.id), {
        kind: "version.retired",
        title: `${version.api.name} ${version.version} is retired`,
        body: "Its sunset date was reached: the gateway now refuses its calls.",
        link: `/apis/${version.api.slug}/docs?version=${encodeURIComponent(version.version)}`,
      });
      await enqueueVersionEvent(tx, "version.retired", { api: version.api, version: { ...version, retiredAt: now }, trigger: "sunset" });
      return true;
    });
    if (done) retired++;
  }
  return retired;
}

/**
 * Reminds the subscribers of each DEPRECATED version once per threshold (30,
 * 7, 1 days before its sunset): the smallest threshold reached, if not sent
 * yet. The audit log records what was sent, which also makes it idempotent.
 */
export async function sendSunsetReminders(now = new Date()): Promise<number> {
  const upcoming = await db.apiVersion.findMany({
    where: { state: "DEPRECATED", sunsetAt: { gt: now, lte: new Date(now.getTime() + REMINDER_DAYS[0] * DAY) } },
    select: { id: true, version: true, sunsetAt: true, replacement: { select: { version: true } }, api: { select: { id: true, slug: true, name: true, teamId: true } } },
  });
  let sent = 0;
  for (const version of upcoming) {
    const daysLeft = Math.ceil((version.sunsetAt!.getTime() - now.getTime()) / DAY);
    const threshold = [...REMINDER_DAYS].reverse().find((days) => daysLeft <= days)!;
    const already = await db.auditEvent.findFirst({ where: { action: "version.sunset_reminder_sent", targetId: version.id, after: { path: ["days"], equals: threshold } }, select: { id: true } });
    if (already) continue;
    await db.$transaction(async (tx) => {
      const users = await subscriberUserIds(tx, version.api.id);
      await notifyUsers(tx, users, {
        kind: "version.sunset_reminder",
        title: `${version.api.name} ${version.version} retires in ${daysLeft} ${daysLeft === 1 ? "day" : "days"}`,
        body: `Sunset on ${version.sunsetAt!.toISOString().slice(0, 10)}.${version.replacement ? ` Move to ${version.replacement.version}.` : ""}`,
        link: `/apis/${version.api.slug}/docs?version=${encodeURIComponent(version.version)}`,
      });
      await recordAudit(tx, { actor: SYSTEM, teamId: version.api.teamId, action: "version.sunset_reminder_sent", target: { type: "api_version", id: version.id }, after: { days: threshold, recipients: new Set(users).size } });
    });
    sent++;
  }
  return sent;
}
