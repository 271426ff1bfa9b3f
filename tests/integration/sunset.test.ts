// The scheduled lifecycle work: retirement at the sunset and reminders before
// it, as the job worker runs them (lib/lifecycle/sunset.ts).
import { beforeEach, describe, expect, it } from "vitest";
import { storeVersion } from "@/lib/catalog/versions";
import { buildSpec } from "@/lib/demo/spec-generator";
import { retireOverdueVersions, sendSunsetReminders } from "@/lib/lifecycle/sunset";
import { db, makeTeam, resetDatabase, type TestTeam } from "./helpers";

const DAY = 86_400_000;

async function deprecatedVersion(owner: TestTeam, consumer: TestTeam, sunsetAt: Date) {
  const api = await db.api.create({ data: { teamId: owner.team.id, slug: `api-${Math.random().toString(36).slice(2, 8)}`, name: "Lockers", visibility: "INTERNAL" } });
  const plan = await db.plan.create({ data: { apiId: api.id, name: "Default", requiresApproval: false } });
  const document = buildSpec({ title: "Lockers", version: "1.0.0", description: "", serverUrl: "https://x.example", resources: ["lockers"] });
  await db.$transaction(async (tx) => {
    await storeVersion(tx, { apiId: api.id, version: "1.0.0", document, sourceText: JSON.stringify(document), sourceFormat: "json", state: "DEPRECATED", deprecatedAt: new Date(Date.now() - 40 * DAY), sunsetAt, publishedAt: new Date(Date.now() - 90 * DAY) });
    await storeVersion(tx, { apiId: api.id, version: "2.0.0", document: { ...document, info: { ...document.info, version: "2.0.0" } }, sourceText: "{}", sourceFormat: "json", state: "PUBLISHED", publishedAt: new Date() });
  });
  const application = await db.application.create({ data: { teamId: consumer.team.id, name: "App" } });
  await db.subscription.create({ data: { applicationId: application.id, apiId: api.id, planId: plan.id, status: "ACTIVE", requesterId: consumer.members.DEVELOPER.id } });
  return api;
}

describe("the sunset sweep", () => {
  let owner: TestTeam;
  let consumer: TestTeam;
  beforeEach(async () => {
    await resetDatabase();
    owner = await makeTeam();
    consumer = await makeTeam();
  });

  it("retires a deprecated version once its sunset has passed, tells the subscribers, and does it only once", async () => {
    const api = await deprecatedVersion(owner, consumer, new Date(Date.now() - 60_000));
    expect(await retireOverdueVersions()).toBe(1);
    const version = await db.apiVersion.findUniqueOrThrow({ where: { apiId_version: { apiId: api.id, version: "1.0.0" } } });
    expect(version.state).toBe("RETIRED");
    expect(version.retiredAt).not.toBeNull();
    const events = await db.lifecycleEvent.findMany({ where: { versionId: version.id } });
    expect(events).toEqual([expect.objectContaining({ from: "DEPRECATED", to: "RETIRED", actorId: null })]);
    expect(await db.auditEvent.count({ where: { action: "version.retired", targetId: version.id, actorEmail: "system" } })).toBe(1);
    const notified = await db.notification.findMany({ where: { kind: "version.retired" }, select: { userId: true } });
    expect(new Set(notified.map((n) => n.userId))).toEqual(new Set(Object.values(consumer.members).map((m) => m.id)));
    expect(await retireOverdueVersions()).toBe(0);
    expect(await db.lifecycleEvent.count({ where: { versionId: version.id } })).toBe(1);
  });

  it("leaves a version whose sunset is still ahead", async () => {
    const api = await deprecatedVersion(owner, consumer, new Date(Date.now() + DAY));
    expect(await retireOverdueVersions()).toBe(0);
    expect((await db.apiVersion.findUniqueOrThrow({ where: { apiId_version: { apiId: api.id, version: "1.0.0" } } })).state).toBe("DEPRECATED");
  });

  it("reminds subscribers 30, 7 and 1 days before the sunset, each once", async () => {
    const sunset = new Date(Date.now() + 45 * DAY);
    await deprecatedVersion(owner, consumer, sunset);
    const at = (daysBefore: number) => new Date(sunset.getTime() - daysBefore * DAY);
    expect(await sendSunsetReminders(at(40))).toBe(0);
    expect(await sendSunsetReminders(at(29.5))).toBe(1);
    expect(await sendSunsetReminders(at(29))).toBe(0);
    expect(await sendSunsetReminders(at(6.5))).toBe(1);
    expect(await sendSunsetReminders(at(0.5))).toBe(1);
    expect(await sendSunsetReminders(at(0.4))).toBe(0);
    const titles = (await db.notification.findMany({ where: { userId: consumer.members.OWNER.id, kind: "version.sunset_reminder" }, orderBy: { createdAt: "asc" } })).map((n) => n.title);
    expect(titles).toEqual(["Lockers 1.0.0 retires in 30 days", "Lockers 1.0.0 retires in 7 days", "Lockers 1.0.0 retires in 1 day"]);
  });
});
