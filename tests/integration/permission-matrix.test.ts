// Every protected domain function, called by every kind of caller. Allowed
// callers succeed and have the effect; refused ones get exactly the expected
// 401/403/404 AppError and the database is left exactly as it was.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MaybeActor } from "@/lib/authz/actor";
import { AppError } from "@/lib/errors";
import { createTeam, updateTeam } from "@/lib/teams/teams";
import { inviteMember, listPendingInvitations, revokeInvitation } from "@/lib/teams/invitations";
import { changeMemberRole, listMembers, removeMember } from "@/lib/teams/members";
import { listAuditEvents } from "@/lib/audit/list";
import { listUsers, setPlatformRole } from "@/lib/users/admin";
import { addMember, db, makeTeam, makeUser, resetDatabase, snapshotDatabase, type TestTeam, type TestUser } from "./helpers";

const CALLERS = ["OWNER", "ADMIN", "DEVELOPER", "VIEWER", "member of another team", "platform admin", "signed out"] as const;
type Caller = (typeof CALLERS)[number];
type Outcome = "allowed" | 401 | 403 | 404;

interface World extends TestTeam {
  /** A DEVELOPER of the team that role changes and removals act on. */
  target: TestUser;
  outsider: TestUser;
  platformAdmin: TestUser;
  pendingInvitationId: string;
}

async function buildWorld(): Promise<World> {
  const acme = await makeTeam({ slug: "acme", name: "Acme" });
  const target = await makeUser({ email: "target@example.test" });
  await addMember(acme.team.id, target, "DEVELOPER");
  const outsider = await makeUser({ email: "outsider@example.test" });
  await createTeam(outsider.actor, { name: "Globex", slug: "globex" });
  const platformAdmin = await makeUser({ email: "root@example.test", platformRole: "ADMIN" });
  const { invitation } = await inviteMember(acme.members.OWNER.actor, "acme", { email: "pending@example.test", role: "VIEWER" });
  return { ...acme, target, outsider, platformAdmin, pendingInvitationId: invitation.id };
}

function actorOf(world: World, caller: Caller): MaybeActor {
  switch (caller) {
    case "member of another team":
      return world.outsider.actor;
    case "platform admin":
      return world.platformAdmin.actor;
    case "signed out":
      return null;
    default:
      return world.members[caller].actor;
  }
}

const TEAM_OWNER: Record<Caller, Outcome> = {
  OWNER: "allowed",
  ADMIN: 403,
  DEVELOPER: 403,
  VIEWER: 403,
  "member of another team": 404,
  "platform admin": "allowed",
  "signed out": 401,
};
const TEAM_ADMIN: Record<Caller, Outcome> = { ...TEAM_OWNER, ADMIN: "allowed" };
const TEAM_MEMBER: Record<Caller, Outcome> = { ...TEAM_ADMIN, DEVELOPER: "allowed", VIEWER: "allowed" };
const PLATFORM_ADMIN: Record<Caller, Outcome> = {
  OWNER: 403,
  ADMIN: 403,
  DEVELOPER: 403,
  VIEWER: 403,
  "member of another team": 403,
  "platform admin": "allowed",
  "signed out": 401,
};

interface Spec {
  name: string;
  outcomes: Record<Caller, Outcome>;
  /** Whether an allowed call writes (then exactly one audit event is appended by the caller). */
  writes: boolean;
  call(world: World, actor: MaybeActor, slug?: string): Promise<unknown>;
  /** Checks the answer and the database after an allowed call. */
  verify(world: World, result: unknown): Promise<void>;
  /** Team-scoped functions answer a missing team like an invisible one. */
  teamScoped: boolean;
}

const SPECS: Spec[] = [
  {
    name: "updateTeam",
    outcomes: TEAM_OWNER,
    writes: true,
    teamScoped: true,
    call: (_w, actor, slug = "acme") => updateTeam(actor, slug, { name: "Acme Renamed" }),
    async verify(world) {
      expect((await db.team.findUniqueOrThrow({ where: { id: world.team.id } })).name).toBe("Acme Renamed");
    },
  },
  {
    name: "inviteMember",
    outcomes: TEAM_ADMIN,
    writes: true,
    teamScoped: true,
    call: (_w, actor, slug = "acme") => inviteMember(actor, slug, { email: "new@example.test", role: "DEVELOPER" }),
    async verify(world) {
      expect(await db.invitation.count({ where: { teamId: world.team.id, email: "new@example.test", status: "PENDING" } })).toBe(1);
    },
  },
  {
    name: "listPendingInvitations",
    outcomes: TEAM_ADMIN,
    writes: false,
    teamScoped: true,
    call: (_w, actor, slug = "acme") => listPendingInvitations(actor, slug),
    async verify(world, result) {
      expect((result as { id: string }[]).map((invitation) => invitation.id)).toEqual([world.pendingInvitationId]);
    },
  },
  {
    name: "revokeInvitation",
    outcomes: TEAM_ADMIN,
    writes: true,
    teamScoped: true,
    call: (world, actor, slug = "acme") => revokeInvitation(actor, slug, world.pendingInvitationId),
    async verify(world) {
      expect((await db.invitation.findUniqueOrThrow({ where: { id: world.pendingInvitationId } })).status).toBe("REVOKED");
    },
  },
  {
    name: "changeMemberRole",
    outcomes: TEAM_OWNER,
    writes: true,
    teamScoped: true,
    call: (world, actor, slug = "acme") => changeMemberRole(actor, slug, world.target.id, { role: "ADMIN" }),
    async verify(world) {
      const membership = await db.membership.findUniqueOrThrow({ where: { teamId_userId: { teamId: world.team.id, userId: world.target.id } } });
      expect(membership.role).toBe("ADMIN");
    },
  },
  {
    name: "removeMember",
    outcomes: TEAM_OWNER,
    writes: true,
    teamScoped: true,
    call: (world, actor, slug = "acme") => removeMember(actor, slug, world.target.id),
    async verify(world) {
      expect(await db.membership.count({ where: { teamId: world.team.id, userId: world.target.id } })).toBe(0);
    },
  },
  {
    name: "listMembers",
    outcomes: TEAM_MEMBER,
    writes: false,
    teamScoped: true,
    call: (_w, actor, slug = "acme") => listMembers(actor, slug),
    async verify(world, result) {
      const ids = (result as { userId: string }[]).map((member) => member.userId).sort();
      expect(ids).toEqual([...Object.values(world.members).map((member) => member.id), world.target.id].sort());
    },
  },
  {
    name: "listAuditEvents (team filter)",
    outcomes: TEAM_ADMIN,
    writes: false,
    teamScoped: true,
    call: (_w, actor, slug = "acme") => listAuditEvents(actor, { team: slug, limit: 100 }),
    async verify(world, result) {
      const { items } = result as { items: { team: { slug: string } | null }[] };
      expect(items.length).toBe(await db.auditEvent.count({ where: { teamId: world.team.id } }));
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((event) => event.team?.slug === "acme")).toBe(true);
    },
  },
  {
    name: "listUsers",
    outcomes: PLATFORM_ADMIN,
    writes: false,
    teamScoped: false,
    call: (_w, actor) => listUsers(actor),
    async verify(_world, result) {
      expect((result as { items: unknown[] }).items).toHaveLength(await db.user.count());
    },
  },
  {
    name: "setPlatformRole",
    outcomes: PLATFORM_ADMIN,
    writes: true,
    teamScoped: false,
    call: (world, actor) => setPlatformRole(actor, world.target.id, "ADMIN"),
    async verify(world) {
      expect((await db.user.findUniqueOrThrow({ where: { id: world.target.id } })).platformRole).toBe("ADMIN");
    },
  },
];

async function expectRefusal(spec: Spec, world: World, caller: Caller, expected: 401 | 403 | 404) {
  const before = await snapshotDatabase();
  const error = await spec.call(world, actorOf(world, caller)).then(
    () => new Error(`${spec.name} by ${caller} succeeded; expected ${expected}`),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).status).toBe(expected);
  expect(await snapshotDatabase()).toEqual(before);
}

async function expectAllowed(spec: Spec, world: World, caller: Caller) {
  const actor = actorOf(world, caller)!;
  const before = await snapshotDatabase();
  const auditBefore = (await db.auditEvent.findMany({ select: { id: true } })).map((event) => event.id);

  const result = await spec.call(world, actor);

  await spec.verify(world, result);
  if (spec.writes) {
    const appended = await db.auditEvent.findMany({ where: { id: { notIn: auditBefore } } });
    expect(appended).toHaveLength(1);
    expect(appended[0]).toMatchObject({ actorId: actor.userId, requestId: actor.requestId });
  } else {
    expect(await snapshotDatabase()).toEqual(before);
  }
}

const refusedBy = (spec: Spec) => CALLERS.filter((caller) => spec.outcomes[caller] !== "allowed");
const allowedFor = (spec: Spec) => CALLERS.filter((caller) => spec.outcomes[caller] === "allowed");

// Calls that must not change the database share one world: each test proves
// that its call left everything exactly as it was.
describe("calls that change nothing: refusals, and reads by allowed callers", () => {
  let world: World;

  beforeAll(async () => {
    await resetDatabase();
    world = await buildWorld();
  });

  describe.each(SPECS)("$name", (spec) => {
    it.each(refusedBy(spec))("refused for %s", (caller) => expectRefusal(spec, world, caller, spec.outcomes[caller] as 401 | 403 | 404));

    if (!spec.writes) {
      it.each(allowedFor(spec))("allowed for %s", (caller) => expectAllowed(spec, world, caller));
    }
  });

  describe("a team that does not exist", () => {
    it.each(SPECS.filter((spec) => spec.teamScoped))("$name answers it exactly like a team one may not see", async (spec) => {
      const before = await snapshotDatabase();

      const invisible = await spec.call(world, world.outsider.actor, "acme").catch((error: unknown) => error);
      const missing = await spec.call(world, world.members.OWNER.actor, "no-such-team").catch((error: unknown) => error);

      expect(invisible).toBeInstanceOf(AppError);
      expect(missing).toBeInstanceOf(AppError);
      const summary = (error: AppError) => ({ status: error.status, type: error.type, message: error.message });
      expect(summary(missing as AppError)).toEqual(summary(invisible as AppError));
      expect((missing as AppError).status).toBe(404);
      expect(await snapshotDatabase()).toEqual(before);
    });
  });
});

// Allowed writes: a fresh world each.
describe("allowed writes", () => {
  beforeEach(resetDatabase);

  describe.each(SPECS.filter((spec) => spec.writes))("$name", (spec) => {
    it.each(allowedFor(spec))("allowed for %s", async (caller) => {
      await expectAllowed(spec, await buildWorld(), caller);
    });
  });
});
