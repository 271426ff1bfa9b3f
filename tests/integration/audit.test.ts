import { beforeEach, describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit/record";
import { listAuditEvents } from "@/lib/audit/list";
import { createPersonalAccessToken } from "@/lib/tokens/personal-access-tokens";
import { updateTeam } from "@/lib/teams/teams";
import { db, expectAppError, makeTeam, makeUser, resetDatabase, snapshotDatabase, type TestTeam, type TestUser } from "./helpers";

beforeEach(resetDatabase);

describe("the audit log is append-only", () => {
  it("refuses UPDATE and DELETE at the database, even through raw SQL", async () => {
    const { team, members } = await makeTeam();
    await updateTeam(members.OWNER.actor, team.slug, { name: "Renamed" });
    const before = await snapshotDatabase();
    expect(before.AuditEvent.length).toBeGreaterThan(0);

    await expect(db.$executeRaw`UPDATE "AuditEvent" SET "action" = 'forged'`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`UPDATE "AuditEvent" SET "actorId" = NULL WHERE "teamId" = ${team.id}`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`DELETE FROM "AuditEvent"`).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`DELETE FROM "AuditEvent" WHERE "action" = 'team.updated'`).rejects.toThrow(/append-only/);
    // And through the client's own update and delete.
    const event = await db.auditEvent.findFirstOrThrow();
    await expect(db.auditEvent.update({ where: { id: event.id }, data: { action: "forged" } })).rejects.toThrow();
    await expect(db.auditEvent.deleteMany({})).rejects.toThrow();

    expect(await snapshotDatabase()).toEqual(before);
  });

  it("writes the audit event in the same transaction as the change", async () => {
    const { team, members } = await makeTeam();
    const before = await snapshotDatabase();

    // The change fails after its audit event was written: neither remains.
    await expect(
      db.$transaction(async (tx) => {
        await tx.team.update({ where: { id: team.id }, data: { name: "Half done" } });
        await recordAudit(tx, { actor: { userId: members.OWNER.id, email: members.OWNER.email, requestId: null }, teamId: team.id, action: "team.updated", target: { type: "team", id: team.id } });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");

    expect(await snapshotDatabase()).toEqual(before);
  });
});

describe("who reads which audit events", () => {
  let acme: TestTeam;
  let globex: TestTeam;
  let root: TestUser;
  let loner: TestUser;

  beforeEach(async () => {
    acme = await makeTeam({ slug: "acme" });
    globex = await makeTeam({ slug: "globex" });
    root = await makeUser({ platformRole: "ADMIN" });
    loner = await makeUser();
    await updateTeam(acme.members.OWNER.actor, "acme", { name: "Acme Inc" });
    await updateTeam(globex.members.OWNER.actor, "globex", { name: "Globex Corp" });
    // Events outside any team: one by the loner, one by acme's ADMIN.
    await createPersonalAccessToken(loner.actor, { name: "loner's token" });
    await createPersonalAccessToken(acme.members.ADMIN.actor, { name: "admin's token" });
  });

  const slugs = (items: { team: { slug: string } | null }[]) => [...new Set(items.map((event) => event.team?.slug ?? null))].sort();

  it("a team ADMIN or OWNER reads all of their team's events, and only those, with the team filter", async () => {
    for (const role of ["OWNER", "ADMIN"] as const) {
      const { items, nextCursor } = await listAuditEvents(acme.members[role].actor, { team: "acme", limit: 100 });
      expect(slugs(items)).toEqual(["acme"]);
      expect(items.map((event) => event.id).sort()).toEqual(
        (await db.auditEvent.findMany({ where: { teamId: acme.team.id }, select: { id: true } })).map((event) => event.id).sort(),
      );
      expect(nextCursor).toBeNull();
    }
  });

  it("a DEVELOPER or VIEWER of the team gets 403", async () => {
    await expectAppError(listAuditEvents(acme.members.DEVELOPER.actor, { team: "acme" }), 403);
    await expectAppError(listAuditEvents(acme.members.VIEWER.actor, { team: "acme" }), 403);
  });

  it("a non-member gets 404, like for a team that does not exist", async () => {
    await expectAppError(listAuditEvents(globex.members.OWNER.actor, { team: "acme" }), 404);
    await expectAppError(listAuditEvents(loner.actor, { team: "acme" }), 404);
    await expectAppError(listAuditEvents(loner.actor, { team: "nope" }), 404);
  });

  it("signed out gets 401", async () => {
    await expectAppError(listAuditEvents(null, {}), 401);
    await expectAppError(listAuditEvents(null, { team: "acme" }), 401);
  });

  it("a platform admin reads every event, of every team or none", async () => {
    const { items } = await listAuditEvents(root.actor, { limit: 100 });
    expect(items).toHaveLength(await db.auditEvent.count());
    expect(slugs(items)).toEqual(["acme", "globex", null].sort());
    expect(slugs((await listAuditEvents(root.actor, { team: "globex", limit: 100 })).items)).toEqual(["globex"]);
  });

  it("without a filter, a member reads the teams they administer plus their own events outside teams", async () => {
    const admin = acme.members.ADMIN;
    const { items } = await listAuditEvents(admin.actor, { limit: 100 });

    const expected = await db.auditEvent.findMany({
      where: { OR: [{ teamId: acme.team.id }, { teamId: null, actorId: admin.id }] },
      select: { id: true },
    });
    expect(items.map((event) => event.id).sort()).toEqual(expected.map((event) => event.id).sort());
    expect(items.some((event) => event.team === null && event.action === "token.created")).toBe(true);
    // Not the loner's token, not the sign-ups of others, not globex.
    expect(items.every((event) => event.team?.slug === "acme" || event.actorId === admin.id)).toBe(true);

    // A DEVELOPER administers no team: only their own team-less events (their sign-up).
    const developer = acme.members.DEVELOPER;
    const own = await listAuditEvents(developer.actor, { limit: 100 });
    expect(own.items.map((event) => [event.action, event.actorId, event.team])).toEqual([["user.signed_up", developer.id, null]]);
  });

  it("filters by action prefix, actor email and target type", async () => {
    const byAction = await listAuditEvents(root.actor, { action: "team.", limit: 100 });
    expect(new Set(byAction.items.map((event) => event.action))).toEqual(new Set(["team.created", "team.updated"]));
    const byActor = await listAuditEvents(root.actor, { actor: loner.email.toUpperCase(), limit: 100 });
    expect(byActor.items.map((event) => event.action).sort()).toEqual(["token.created", "user.signed_up"]);
    const byTarget = await listAuditEvents(root.actor, { targetType: "personal_access_token", limit: 100 });
    expect(byTarget.items).toHaveLength(2);
  });
});

describe("audit pagination", () => {
  it("walks every event exactly once, newest first, with a cursor", async () => {
    const { team, members } = await makeTeam({ slug: "acme" });
    // Events that share a timestamp, in groups: the order must still be total.
    const base = Date.now() - 60_000;
    for (let i = 0; i < 11; i += 1) {
      await db.auditEvent.create({
        data: { actorId: members.OWNER.id, teamId: team.id, action: `test.event_${i}`, targetType: "test", targetId: String(i), createdAt: new Date(base + (i % 3) * 1000) },
      });
    }
    const all = await db.auditEvent.findMany({ where: { teamId: team.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } });
    expect(all.length).toBe(12);

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const result = await listAuditEvents(members.ADMIN.actor, { team: "acme", limit: 5, cursor });
      seen.push(...result.items.map((event) => event.id));
      pageSizes.push(result.items.length);
      if (!result.nextCursor) break;
      expect(result.nextCursor).toBe(result.items[result.items.length - 1].id);
      cursor = result.nextCursor;
    }

    expect(pageSizes).toEqual([5, 5, 2]);
    expect(seen).toEqual(all.map((event) => event.id));
  });

  it("ends with nextCursor null when the last page is exactly full", async () => {
    const { members } = await makeTeam({ slug: "acme" });
    const count = await db.auditEvent.count({ where: { team: { slug: "acme" } } });
    const page = await listAuditEvents(members.OWNER.actor, { team: "acme", limit: count });
    expect(page.items).toHaveLength(count);
    expect(page.nextCursor).toBeNull();
  });

  it("refuses a limit over 100", async () => {
    const root = await makeUser({ platformRole: "ADMIN" });
    await expect(listAuditEvents(root.actor, { limit: 101 })).rejects.toThrow();
    await expect(listAuditEvents(root.actor, { limit: 0 })).rejects.toThrow();
  });
});
