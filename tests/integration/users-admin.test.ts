import { beforeEach, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { listUsers, setPlatformRole } from "@/lib/users/admin";
import { actorFor, addMember, db, expectAppError, makeTeam, makeUser, resetDatabase, snapshotDatabase } from "./helpers";

beforeEach(resetDatabase);

describe("listUsers", () => {
  it("lists every user with their team count, paginated", async () => {
    const root = await makeUser({ platformRole: "ADMIN" });
    const { members } = await makeTeam();
    const other = await makeTeam();
    await addMember(other.team.id, members.VIEWER, "VIEWER");

    const all = await listUsers(root.actor);
    expect(all.items).toHaveLength(await db.user.count());
    expect(all.nextCursor).toBeNull();
    expect(all.items.find((user) => user.id === members.VIEWER.id)).toMatchObject({ email: members.VIEWER.email, platformRole: "MEMBER", teamCount: 2 });
    expect(all.items.find((user) => user.id === root.id)).toMatchObject({ platformRole: "ADMIN", teamCount: 0 });
    expect(all.items[0]).not.toHaveProperty("passwordHash");

    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listUsers(root.actor, { limit: 3, cursor });
      pages.push(...page.items.map((user) => user.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual(all.items.map((user) => user.id));
  });
});

describe("setPlatformRole", () => {
  it("promotes and demotes, recorded with before and after", async () => {
    const root = await makeUser({ platformRole: "ADMIN" });
    const ada = await makeUser();

    expect(await setPlatformRole(root.actor, ada.id, "ADMIN")).toEqual({ id: ada.id, platformRole: "ADMIN" });
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "user.platform_role_changed" } })).toMatchObject({
      actorId: root.id,
      teamId: null,
      targetId: ada.id,
      before: { platformRole: "MEMBER" },
      after: { platformRole: "ADMIN" },
    });
    // The new admin, as their next request would see them, demotes the first.
    await setPlatformRole(actorFor({ ...ada, platformRole: "ADMIN" }), root.id, "MEMBER");
    expect((await db.user.findUniqueOrThrow({ where: { id: root.id } })).platformRole).toBe("MEMBER");
  });

  it("setting the role a user already has changes and records nothing", async () => {
    const root = await makeUser({ platformRole: "ADMIN" });
    const ada = await makeUser();
    const before = await snapshotDatabase();
    await setPlatformRole(root.actor, ada.id, "MEMBER");
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("refuses an unknown user (404) and an unknown role", async () => {
    const root = await makeUser({ platformRole: "ADMIN" });
    await expectAppError(setPlatformRole(root.actor, "no-such-user", "ADMIN"), 404);
    await expect(setPlatformRole(root.actor, root.id, "OWNER" as "ADMIN")).rejects.toBeInstanceOf(ZodError);
  });

  it("never demotes the last platform admin", async () => {
    const root = await makeUser({ platformRole: "ADMIN" });
    const before = await snapshotDatabase();
    await expectAppError(setPlatformRole(root.actor, root.id, "MEMBER"), 409, "last-platform-admin");
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("of two admins demoting each other at the same time, one admin remains", async () => {
    const ada = await makeUser({ platformRole: "ADMIN" });
    const bob = await makeUser({ platformRole: "ADMIN" });

    const results = await Promise.allSettled([setPlatformRole(ada.actor, bob.id, "MEMBER"), setPlatformRole(bob.actor, ada.id, "MEMBER")]);

    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(results.find((result) => result.status === "rejected")).toMatchObject({ reason: { status: 409, code: "last-platform-admin" } });
    expect(await db.user.count({ where: { platformRole: "ADMIN" } })).toBe(1);
  });
});
