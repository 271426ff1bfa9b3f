import { beforeEach, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { createTeam, getTeamSummary, listTeams, updateTeam } from "@/lib/teams/teams";
import { acceptInvitation, describeInvitation, inviteMember, listPendingInvitations, revokeInvitation } from "@/lib/teams/invitations";
import { changeMemberRole, leaveTeam, listMembers, removeMember } from "@/lib/teams/members";
import { addMember, db, expectAppError, makeTeam, makeUser, resetDatabase, snapshotDatabase, type TestUser } from "./helpers";

beforeEach(resetDatabase);

/** The secret token at the end of an invitation link. */
function tokenOf(link: string): string {
  const token = new URL(link).pathname.split("/").pop();
  if (!token?.startsWith("ptc_inv_")) throw new Error(`not an invitation link: ${link}`);
  return token;
}

async function roleOf(teamId: string, user: TestUser) {
  const membership = await db.membership.findUnique({ where: { teamId_userId: { teamId, userId: user.id } }, select: { role: true } });
  return membership?.role ?? null;
}

describe("createTeam", () => {
  it("makes the creator its OWNER and records the creation", async () => {
    const ada = await makeUser();

    const team = await createTeam(ada.actor, { name: "  Payments  ", slug: "Payments-EU", description: "Cards and wires" });

    expect(team).toMatchObject({ name: "Payments", slug: "payments-eu", description: "Cards and wires", requireReview: false });
    expect(await db.membership.findMany({ where: { teamId: team.id }, select: { userId: true, role: true } })).toEqual([{ userId: ada.id, role: "OWNER" }]);
    const audit = await db.auditEvent.findMany({ where: { teamId: team.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "team.created",
      actorId: ada.id,
      actorEmail: ada.email,
      requestId: ada.actor.requestId,
      targetType: "team",
      targetId: team.id,
      after: { name: "Payments", slug: "payments-eu", description: "Cards and wires" },
    });
    expect(await getTeamSummary(ada.actor, "payments-eu")).toMatchObject({ role: "OWNER", memberCount: 1, apiCount: 0 });
  });

  it("refuses a slug that is taken with a 409 and leaves everything as it was", async () => {
    const ada = await makeUser();
    const bob = await makeUser();
    await createTeam(ada.actor, { name: "Payments", slug: "payments" });
    const before = await snapshotDatabase();

    const error = await expectAppError(createTeam(bob.actor, { name: "Other payments", slug: "PAYMENTS" }), 409, "slug-taken");

    expect(error.kind).toBe("conflict");
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("lets only one of two simultaneous creations of one slug through", async () => {
    const ada = await makeUser();
    const bob = await makeUser();

    const results = await Promise.allSettled([createTeam(ada.actor, { name: "Alpha", slug: "same" }), createTeam(bob.actor, { name: "Beta", slug: "same" })]);

    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(results.find((result) => result.status === "rejected")).toMatchObject({ reason: { status: 409, code: "slug-taken" } });
    expect(await db.team.count()).toBe(1);
    expect(await db.membership.count()).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "team.created" } })).toBe(1);
  });

  it("needs a signed-in caller and a valid name and slug", async () => {
    await expectAppError(createTeam(null, { name: "Payments", slug: "payments" }), 401);
    const ada = await makeUser();
    await expect(createTeam(ada.actor, { name: "P", slug: "payments" })).rejects.toBeInstanceOf(ZodError);
    await expect(createTeam(ada.actor, { name: "Payments", slug: "no spaces" })).rejects.toBeInstanceOf(ZodError);
    await expect(createTeam(ada.actor, { name: "Payments", slug: "double--dash" })).rejects.toBeInstanceOf(ZodError);
    expect(await db.team.count()).toBe(0);
  });
});

describe("updateTeam", () => {
  it("changes the settings and records before and after", async () => {
    const { team, members } = await makeTeam({ name: "Payments" });

    const updated = await updateTeam(members.OWNER.actor, team.slug, { name: "Payments EU", description: "EU only", requireReview: true });

    expect(updated).toMatchObject({ id: team.id, slug: team.slug, name: "Payments EU", description: "EU only", requireReview: true });
    expect(await db.team.findUniqueOrThrow({ where: { id: team.id } })).toMatchObject({ name: "Payments EU", description: "EU only", requireReview: true });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "team.updated" } });
    expect(audit).toMatchObject({
      actorId: members.OWNER.id,
      teamId: team.id,
      before: { name: "Payments", description: null, requireReview: false },
      after: { name: "Payments EU", description: "EU only", requireReview: true },
    });
  });

  it("can clear the description", async () => {
    const ada = await makeUser();
    const team = await createTeam(ada.actor, { name: "Payments", slug: "payments", description: "Old" });
    await updateTeam(ada.actor, team.slug, { description: null });
    expect((await db.team.findUniqueOrThrow({ where: { id: team.id } })).description).toBeNull();
  });
});

describe("listTeams", () => {
  it("lists the caller's teams with their role; platform admins may list all", async () => {
    const a = await makeTeam({ name: "Alpha" });
    const b = await makeTeam({ name: "Beta" });
    const root = await makeUser({ platformRole: "ADMIN" });

    const mine = await listTeams(a.members.DEVELOPER.actor);
    expect(mine.items.map((team) => [team.slug, team.role, team.memberCount])).toEqual([[a.team.slug, "DEVELOPER", 4]]);
    // A MEMBER asking for all teams still gets only their own.
    expect((await listTeams(a.members.DEVELOPER.actor, { all: true })).items.map((team) => team.slug)).toEqual([a.team.slug]);
    expect((await listTeams(root.actor, { all: true })).items.map((team) => [team.slug, team.role])).toEqual([
      [a.team.slug, null],
      [b.team.slug, null],
    ]);
    expect((await listTeams(root.actor)).items).toEqual([]);
  });
});

describe("invitations", () => {
  it("invites by email: a link shown once, only its hash stored, an audit event", async () => {
    const { team, members } = await makeTeam();

    const { invitation, link, mailed } = await inviteMember(members.ADMIN.actor, team.slug, { email: "  New.Person@Example.TEST ", role: "DEVELOPER" });

    expect(mailed).toBe(false);
    expect(invitation).toMatchObject({ email: "new.person@example.test", role: "DEVELOPER", status: "PENDING" });
    const days = (invitation.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    const token = tokenOf(link);
    expect(JSON.stringify(await snapshotDatabase())).not.toContain(token);
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "invitation.created" } })).toMatchObject({
      actorId: members.ADMIN.id,
      teamId: team.id,
      targetId: invitation.id,
      after: { email: "new.person@example.test", role: "DEVELOPER", replacedPending: 0 },
    });
    expect((await listPendingInvitations(members.OWNER.actor, team.slug)).map((i) => i.id)).toEqual([invitation.id]);
    expect(await describeInvitation(token)).toEqual({ email: "new.person@example.test", role: "DEVELOPER", teamName: team.name, teamSlug: team.slug, state: "pending" });
  });

  it("accepting makes the invitee a member with the invited role", async () => {
    const { team, members } = await makeTeam();
    const { link } = await inviteMember(members.OWNER.actor, team.slug, { email: "grace@example.test", role: "ADMIN" });
    const grace = await makeUser({ email: "Grace@Example.test" });

    const accepted = await acceptInvitation(grace.actor, tokenOf(link));

    expect(accepted).toEqual({ teamSlug: team.slug, teamName: team.name, role: "ADMIN" });
    expect(await roleOf(team.id, grace)).toBe("ADMIN");
    const invitation = await db.invitation.findFirstOrThrow({ where: { email: "grace@example.test" } });
    expect(invitation.status).toBe("ACCEPTED");
    expect(invitation.acceptedAt).toBeInstanceOf(Date);
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "invitation.accepted" } })).toMatchObject({
      actorId: grace.id,
      teamId: team.id,
      targetId: invitation.id,
      after: { userId: grace.id, role: "ADMIN" },
    });
    expect(await describeInvitation(tokenOf(link))).toMatchObject({ state: "accepted" });
    expect(await listPendingInvitations(members.OWNER.actor, team.slug)).toEqual([]);
  });

  it("refuses someone signed in with another email (403) and changes nothing", async () => {
    const { team, members } = await makeTeam();
    const { link } = await inviteMember(members.OWNER.actor, team.slug, { email: "grace@example.test" });
    const mallory = await makeUser({ email: "mallory@example.test" });
    const before = await snapshotDatabase();

    await expectAppError(acceptInvitation(mallory.actor, tokenOf(link)), 403, "invitation-email-mismatch");

    expect(await snapshotDatabase()).toEqual(before);
  });

  it("needs a signed-in caller and a real token", async () => {
    const { team, members } = await makeTeam();
    const { link } = await inviteMember(members.OWNER.actor, team.slug, { email: "grace@example.test" });
    const grace = await makeUser({ email: "grace@example.test" });

    await expectAppError(acceptInvitation(null, tokenOf(link)), 401);
    await expectAppError(acceptInvitation(grace.actor, "ptc_inv_not-a-real-token"), 404);
    expect(await describeInvitation("ptc_inv_not-a-real-token")).toBeNull();
    expect(await roleOf(team.id, grace)).toBeNull();
  });

  it("accepts exactly once, one click after the other", async () => {
    const { team, members } = await makeTeam();
    const { link } = await inviteMember(members.OWNER.actor, team.slug, { email: "grace@example.test" });
    const grace = await makeUser({ email: "grace@example.test" });

    await acceptInvitation(grace.actor, tokenOf(link));
    await expectAppError(acceptInvitation(grace.actor, tokenOf(link)), 409, "invitation-used");

    expect(await db.membership.count({ where: { teamId: team.id, userId: grace.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "invitation.accepted" } })).toBe(1);
  });

  it("accepts exactly once when two accepts arrive at the same time", async () => {
    const { team, members } = await makeTeam();
    const { link } = await inviteMember(members.OWNER.actor, team.slug, { email: "grace@example.test" });
    const grace = await makeUser({ email: "grace@example.test" });

    const results = await Promise.allSettled([acceptInvitation(grace.actor, tokenOf(link)), acceptInvitation(grace.actor, tokenOf(link))]);

    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(results.find((result) => result.status === "rejected")).toMatchObject({ reason: { status: 409 } });
    expect(await db.membership.count({ where: { teamId: team.id, userId: grace.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "invitation.accepted" } })).toBe(1);
  });

  it("refuses an expired invitation", async () => {
    const { team, members } = await makeTeam();
    const { link, invitation } = await inviteMember(members.OWNER.actor, team.slug, { email: "grace@example.test" });
    await db.invitation.update({ where: { id: invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const grace = await makeUser({ email: "grace@example.test" });
    const before = await snapshotDatabase();

    await expectAppError(acceptInvitation(grace.actor, tokenOf(link)), 409, "invitation-expired");

    expect(await snapshotDatabase()).toEqual(before);
    expect(await describeInvitation(tokenOf(link))).toMatchObject({ state: "expired" });
    expect(await listPendingInvitations(members.OWNER.actor, team.slug)).toEqual([]);
  });

  it("refuses a revoked invitation", async () => {
    const { team, members } = await makeTeam();
    const { link, invitation } = await inviteMember(members.OWNER.actor, team.slug, { email: "grace@example.test" });

    await revokeInvitation(members.ADMIN.actor, team.slug, invitation.id);

    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "invitation.revoked" } })).toMatchObject({ actorId: members.ADMIN.id, targetId: invitation.id });
    const grace = await makeUser({ email: "grace@example.test" });
    await expectAppError(acceptInvitation(grace.actor, tokenOf(link)), 409, "invitation-used");
    expect(await roleOf(team.id, grace)).toBeNull();
    expect(await describeInvitation(tokenOf(link))).toMatchObject({ state: "revoked" });
    // Revoking twice, or another team's invitation, is a 404.
    await expectAppError(revokeInvitation(members.ADMIN.actor, team.slug, invitation.id), 404);
    const other = await makeTeam();
    const { invitation: foreign } = await inviteMember(other.members.OWNER.actor, other.team.slug, { email: "x@example.test" });
    await expectAppError(revokeInvitation(members.OWNER.actor, team.slug, foreign.id), 404);
    expect((await db.invitation.findUniqueOrThrow({ where: { id: foreign.id } })).status).toBe("PENDING");
  });

  it("inviting the same address again replaces the pending invitation", async () => {
    const { team, members } = await makeTeam();
    const first = await inviteMember(members.OWNER.actor, team.slug, { email: "grace@example.test", role: "VIEWER" });
    const second = await inviteMember(members.OWNER.actor, team.slug, { email: "GRACE@example.test", role: "DEVELOPER" });

    expect(await db.invitation.findMany({ where: { teamId: team.id }, select: { id: true, status: true }, orderBy: { createdAt: "asc" } })).toEqual([
      { id: first.invitation.id, status: "REVOKED" },
      { id: second.invitation.id, status: "PENDING" },
    ]);
    expect((await listPendingInvitations(members.OWNER.actor, team.slug)).map((i) => [i.id, i.role])).toEqual([[second.invitation.id, "DEVELOPER"]]);
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "invitation.created", targetId: second.invitation.id } })).toMatchObject({
      after: { replacedPending: 1 },
    });
    const grace = await makeUser({ email: "grace@example.test" });
    await expectAppError(acceptInvitation(grace.actor, tokenOf(first.link)), 409, "invitation-used");
    await acceptInvitation(grace.actor, tokenOf(second.link));
    expect(await roleOf(team.id, grace)).toBe("DEVELOPER");
  });

  it("refuses to invite someone who is already a member", async () => {
    const { team, members } = await makeTeam();
    const before = await snapshotDatabase();
    await expectAppError(inviteMember(members.OWNER.actor, team.slug, { email: members.VIEWER.email }), 409, "already-member");
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("lets an ADMIN invite up to ADMIN, and only an OWNER invite an OWNER", async () => {
    const { team, members } = await makeTeam();
    await inviteMember(members.ADMIN.actor, team.slug, { email: "admin2@example.test", role: "ADMIN" });
    const before = await snapshotDatabase();

    await expectAppError(inviteMember(members.ADMIN.actor, team.slug, { email: "owner2@example.test", role: "OWNER" }), 403);

    expect(await snapshotDatabase()).toEqual(before);
    const { invitation } = await inviteMember(members.OWNER.actor, team.slug, { email: "owner2@example.test", role: "OWNER" });
    expect(invitation.role).toBe("OWNER");
  });
});

describe("members", () => {
  it("lists the members with their roles", async () => {
    const { team, members } = await makeTeam();
    const listed = await listMembers(members.VIEWER.actor, team.slug);
    expect(listed.map((m) => [m.userId, m.role])).toEqual([
      [members.OWNER.id, "OWNER"],
      [members.ADMIN.id, "ADMIN"],
      [members.DEVELOPER.id, "DEVELOPER"],
      [members.VIEWER.id, "VIEWER"],
    ]);
  });

  it("an OWNER changes a role, recorded with before and after", async () => {
    const { team, members } = await makeTeam();

    expect(await changeMemberRole(members.OWNER.actor, team.slug, members.DEVELOPER.id, { role: "ADMIN" })).toEqual({ userId: members.DEVELOPER.id, role: "ADMIN" });

    expect(await roleOf(team.id, members.DEVELOPER)).toBe("ADMIN");
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "member.role_changed" } })).toMatchObject({
      actorId: members.OWNER.id,
      teamId: team.id,
      targetType: "user",
      targetId: members.DEVELOPER.id,
      before: { role: "DEVELOPER" },
      after: { role: "ADMIN" },
    });
  });

  it("setting the role a member already has changes and records nothing", async () => {
    const { team, members } = await makeTeam();
    const before = await snapshotDatabase();
    await changeMemberRole(members.OWNER.actor, team.slug, members.VIEWER.id, { role: "VIEWER" });
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("refuses to change the role of someone who is not a member (404) or to an unknown role", async () => {
    const { team, members } = await makeTeam();
    const stranger = await makeUser();
    await expectAppError(changeMemberRole(members.OWNER.actor, team.slug, stranger.id, { role: "ADMIN" }), 404);
    await expect(changeMemberRole(members.OWNER.actor, team.slug, members.VIEWER.id, { role: "ROOT" as "ADMIN" })).rejects.toBeInstanceOf(ZodError);
    expect(await roleOf(team.id, stranger)).toBeNull();
    expect(await roleOf(team.id, members.VIEWER)).toBe("VIEWER");
  });

  it("an OWNER hands over ownership, then steps down", async () => {
    const { team, members } = await makeTeam();
    await changeMemberRole(members.OWNER.actor, team.slug, members.ADMIN.id, { role: "OWNER" });
    await changeMemberRole(members.OWNER.actor, team.slug, members.OWNER.id, { role: "ADMIN" });
    expect([await roleOf(team.id, members.ADMIN), await roleOf(team.id, members.OWNER)]).toEqual(["OWNER", "ADMIN"]);
  });

  it("an OWNER removes a member, recorded", async () => {
    const { team, members } = await makeTeam();

    await removeMember(members.OWNER.actor, team.slug, members.DEVELOPER.id);

    expect(await roleOf(team.id, members.DEVELOPER)).toBeNull();
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "member.removed" } })).toMatchObject({
      actorId: members.OWNER.id,
      teamId: team.id,
      targetId: members.DEVELOPER.id,
      before: { role: "DEVELOPER" },
    });
    await expectAppError(removeMember(members.OWNER.actor, team.slug, members.DEVELOPER.id), 404);
    // The removed member no longer sees the team.
    await expectAppError(listMembers(members.DEVELOPER.actor, team.slug), 404);
  });

  it("a member leaves, recorded as their own act", async () => {
    const { team, members } = await makeTeam();

    await leaveTeam(members.VIEWER.actor, team.slug);

    expect(await roleOf(team.id, members.VIEWER)).toBeNull();
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "member.left" } })).toMatchObject({
      actorId: members.VIEWER.id,
      targetId: members.VIEWER.id,
      before: { role: "VIEWER" },
    });
  });

  it("leaving a team one is not in: 404 when it is not visible, 409 for a platform admin", async () => {
    const { team } = await makeTeam();
    const outsider = await makeUser();
    const root = await makeUser({ platformRole: "ADMIN" });
    await expectAppError(leaveTeam(outsider.actor, team.slug), 404);
    await expectAppError(leaveTeam(root.actor, team.slug), 409, "not-a-member");
    await expectAppError(leaveTeam(null, team.slug), 401);
  });
});

describe("the last OWNER", () => {
  it("cannot leave, be removed or be demoted, by anyone", async () => {
    const { team, members } = await makeTeam();
    const root = await makeUser({ platformRole: "ADMIN" });
    const owner = members.OWNER;
    const before = await snapshotDatabase();

    await expectAppError(leaveTeam(owner.actor, team.slug), 409, "last-owner");
    await expectAppError(removeMember(owner.actor, team.slug, owner.id), 409, "last-owner");
    await expectAppError(removeMember(root.actor, team.slug, owner.id), 409, "last-owner");
    for (const role of ["ADMIN", "DEVELOPER", "VIEWER"] as const) {
      await expectAppError(changeMemberRole(owner.actor, team.slug, owner.id, { role }), 409, "last-owner");
      await expectAppError(changeMemberRole(root.actor, team.slug, owner.id, { role }), 409, "last-owner");
    }

    expect(await snapshotDatabase()).toEqual(before);
  });

  it("of two OWNERs demoting each other at the same time, exactly one succeeds", async () => {
    // A few rounds, so both orders of arrival get a chance to happen.
    for (let round = 0; round < 4; round += 1) {
      await resetDatabase();
      const { team, members } = await makeTeam();
      const ada = members.OWNER;
      const bob = members.ADMIN;
      await changeMemberRole(ada.actor, team.slug, bob.id, { role: "OWNER" });

      const results = await Promise.allSettled([
        changeMemberRole(ada.actor, team.slug, bob.id, { role: "ADMIN" }),
        changeMemberRole(bob.actor, team.slug, ada.id, { role: "ADMIN" }),
      ]);

      expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
      expect(results.find((result) => result.status === "rejected")).toMatchObject({ reason: { status: 409, code: "last-owner" } });
      expect(await db.membership.count({ where: { teamId: team.id, role: "OWNER" } })).toBe(1);
      expect(await db.auditEvent.count({ where: { action: "member.role_changed", before: { equals: { role: "OWNER" } } } })).toBe(1);
    }
  });

  it("of two OWNERs leaving at the same time, exactly one leaves", async () => {
    const { team, members } = await makeTeam();
    await changeMemberRole(members.OWNER.actor, team.slug, members.ADMIN.id, { role: "OWNER" });

    const results = await Promise.allSettled([leaveTeam(members.OWNER.actor, team.slug), leaveTeam(members.ADMIN.actor, team.slug)]);

    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await db.membership.count({ where: { teamId: team.id, role: "OWNER" } })).toBe(1);
  });

  it("an OWNER removing the other OWNER while it demotes them: one OWNER remains", async () => {
    const { team, members } = await makeTeam();
    const ada = members.OWNER;
    const bob = await makeUser();
    await addMember(team.id, bob, "OWNER");

    const results = await Promise.allSettled([removeMember(ada.actor, team.slug, bob.id), changeMemberRole(bob.actor, team.slug, ada.id, { role: "VIEWER" })]);

    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(await db.membership.count({ where: { teamId: team.id, role: "OWNER" } })).toBe(1);
  });
});
