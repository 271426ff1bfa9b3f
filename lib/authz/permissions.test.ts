import { describe, expect, it } from "vitest";
import type { TeamRole, Visibility } from "@/lib/generated/prisma/enums";
import { AppError } from "@/lib/errors";
import type { Actor, MaybeActor } from "./actor";
import {
  assertCan,
  assertMayGrantRole,
  assertPlatformAdmin,
  assertSignedIn,
  can,
  canSeeApi,
  canSeeTeam,
  isPlatformAdmin,
  roleAtLeast,
  rolesAtLeast,
  TEAM_ACTIONS,
  TEAM_ROLES,
  visibleApisWhere,
  type TeamAction,
  type TeamContext,
} from "./permissions";

const ALL: TeamRole[] = ["OWNER", "ADMIN", "DEVELOPER", "VIEWER"];
const DEVELOPER_UP: TeamRole[] = ["OWNER", "ADMIN", "DEVELOPER"];
const ADMIN_UP: TeamRole[] = ["OWNER", "ADMIN"];
const OWNER_ONLY: TeamRole[] = ["OWNER"];

/**
 * The permission table of PRODUCT.md, written out independently of the code:
 * which team roles may do each action on their own team's resources.
 */
const EXPECTED: Record<TeamAction, TeamRole[]> = {
  "team.view": ALL,
  "member.list": ALL,
  // "manage members and team settings: team OWNER (ADMIN: invite only)"
  "team.update": OWNER_ONLY,
  "member.invite": ADMIN_UP,
  "member.changeRole": OWNER_ONLY,
  "member.remove": OWNER_ONLY,
  "audit.view": ADMIN_UP,
  // "create API / upload draft version: owner team DEVELOPER and up"
  "api.create": DEVELOPER_UP,
  "version.upload": DEVELOPER_UP,
  // "publish, deprecate, retire, plans, settings: owner team ADMIN and up"
  "version.publish": ADMIN_UP,
  "version.deprecate": ADMIN_UP,
  "version.retire": ADMIN_UP,
  "plan.manage": ADMIN_UP,
  "api.settings": ADMIN_UP,
  // "approve / reject access: owner team ADMIN and up"
  "access.review": ADMIN_UP,
  // "request access, manage own apps and keys: consumer team DEVELOPER and up"
  "access.request": DEVELOPER_UP,
  "app.manage": DEVELOPER_UP,
  "key.manage": DEVELOPER_UP,
  // Webhooks are team settings ("team OWNER"); reading deliveries is an ADMIN's job like the audit log.
  "webhook.manage": OWNER_ONLY,
  "webhook.view": ADMIN_UP,
};

const ACTIONS = Object.keys(TEAM_ACTIONS) as TeamAction[];

function actor(platformRole: Actor["platformRole"] = "MEMBER"): Actor {
  return { userId: "u1", email: "u1@example.test", name: "U1", platformRole, requestId: "r1", via: "session" };
}
const member = actor("MEMBER");
const platformAdmin = actor("ADMIN");
const team = (role: TeamRole | null): TeamContext => ({ teamId: "t1", role });

function thrown(run: () => void): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected the call to throw");
}

describe("TEAM_ACTIONS", () => {
  it("covers exactly the actions of the permission table", () => {
    expect(ACTIONS.sort()).toEqual((Object.keys(EXPECTED) as TeamAction[]).sort());
  });

  it("lists the four team roles, highest first", () => {
    expect(TEAM_ROLES).toEqual(["OWNER", "ADMIN", "DEVELOPER", "VIEWER"]);
  });
});

describe.each(ACTIONS)("%s", (action) => {
  it.each(ALL)("as a team %s", (role) => {
    const allowed = EXPECTED[action].includes(role);
    expect(can(member, action, team(role))).toBe(allowed);
    if (allowed) {
      expect(() => assertCan(member, action, team(role))).not.toThrow();
    } else {
      const error = thrown(() => assertCan(member, action, team(role)));
      expect(error.status).toBe(403);
      expect(error.message).toContain(TEAM_ACTIONS[action]);
    }
  });

  it("as a signed-in non-member: 404, so the team's existence is not confirmed", () => {
    expect(can(member, action, team(null))).toBe(false);
    expect(thrown(() => assertCan(member, action, team(null))).status).toBe(404);
  });

  it("as a platform admin who is not a member: allowed", () => {
    expect(can(platformAdmin, action, team(null))).toBe(true);
    expect(() => assertCan(platformAdmin, action, team(null))).not.toThrow();
  });

  it.each(ALL)("as a platform admin who is a team %s: allowed", (role) => {
    expect(can(platformAdmin, action, team(role))).toBe(true);
  });

  it("signed out: 401, whatever role the context claims", () => {
    for (const role of [...ALL, null]) {
      expect(can(null, action, team(role))).toBe(false);
      expect(thrown(() => assertCan(null, action, team(role))).status).toBe(401);
    }
  });
});

describe("roles", () => {
  it("ranks OWNER > ADMIN > DEVELOPER > VIEWER", () => {
    expect(rolesAtLeast("OWNER")).toEqual(["OWNER"]);
    expect(rolesAtLeast("ADMIN")).toEqual(["OWNER", "ADMIN"]);
    expect(rolesAtLeast("DEVELOPER")).toEqual(["OWNER", "ADMIN", "DEVELOPER"]);
    expect(rolesAtLeast("VIEWER")).toEqual(ALL);
    for (const role of ALL) {
      for (const minimum of ALL) expect(roleAtLeast(role, minimum)).toBe(rolesAtLeast(minimum).includes(role));
    }
  });

  it("gives no role to a non-member", () => {
    for (const minimum of ALL) {
      expect(roleAtLeast(null, minimum)).toBe(false);
      expect(roleAtLeast(undefined, minimum)).toBe(false);
    }
  });
});

describe("canSeeTeam", () => {
  it("shows a team to its members and to platform admins only", () => {
    for (const role of ALL) expect(canSeeTeam(member, team(role))).toBe(true);
    expect(canSeeTeam(member, team(null))).toBe(false);
    expect(canSeeTeam(platformAdmin, team(null))).toBe(true);
    expect(canSeeTeam(null, team(null))).toBe(false);
    expect(canSeeTeam(null, team("OWNER"))).toBe(false);
  });
});

describe("assertMayGrantRole", () => {
  it("lets only an OWNER (or a platform admin) grant OWNER", () => {
    expect(() => assertMayGrantRole(member, team("OWNER"), "OWNER")).not.toThrow();
    expect(() => assertMayGrantRole(platformAdmin, team(null), "OWNER")).not.toThrow();
    for (const role of ["ADMIN", "DEVELOPER", "VIEWER"] as const) {
      expect(thrown(() => assertMayGrantRole(member, team(role), "OWNER")).status).toBe(403);
    }
  });

  it("lets an ADMIN grant ADMIN and below", () => {
    for (const granted of ["ADMIN", "DEVELOPER", "VIEWER"] as const) {
      expect(() => assertMayGrantRole(member, team("ADMIN"), granted)).not.toThrow();
    }
  });
});

describe("platform-level checks", () => {
  it("isPlatformAdmin is true for platform ADMINs only", () => {
    expect(isPlatformAdmin(platformAdmin)).toBe(true);
    expect(isPlatformAdmin(member)).toBe(false);
    expect(isPlatformAdmin(null)).toBe(false);
  });

  it("assertPlatformAdmin: 401 signed out, 403 for a MEMBER, passes an ADMIN", () => {
    expect(thrown(() => assertPlatformAdmin(null)).status).toBe(401);
    expect(thrown(() => assertPlatformAdmin(member)).status).toBe(403);
    expect(() => assertPlatformAdmin(platformAdmin)).not.toThrow();
  });

  it("assertSignedIn: 401 signed out only", () => {
    expect(thrown(() => assertSignedIn(null)).status).toBe(401);
    expect(() => assertSignedIn(member)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------
// API visibility
// ---------------------------------------------------------------------------

type Viewer = "signed out" | "signed-in non-member" | "team member" | "platform admin (non-member)";
const VIEWERS: Viewer[] = ["signed out", "signed-in non-member", "team member", "platform admin (non-member)"];
const VISIBILITIES: Visibility[] = ["PUBLIC", "INTERNAL", "PRIVATE"];

/**
 * PRODUCT.md: PUBLIC anyone; INTERNAL any signed-in user; PRIVATE members of
 * its team and platform admins. This is for APIs in the catalog (with a
 * published, deprecated or retired version).
 */
const SEES: Record<Visibility, Record<Viewer, boolean>> = {
  PUBLIC: { "signed out": true, "signed-in non-member": true, "team member": true, "platform admin (non-member)": true },
  INTERNAL: { "signed out": false, "signed-in non-member": true, "team member": true, "platform admin (non-member)": true },
  PRIVATE: { "signed out": false, "signed-in non-member": false, "team member": true, "platform admin (non-member)": true },
};
/** An API with drafts only is its team's work in progress, whatever its visibility. */
const SEES_DRAFTS_ONLY: Record<Viewer, boolean> = { "signed out": false, "signed-in non-member": false, "team member": true, "platform admin (non-member)": true };

const OWNER_TEAM = "team-owner";
const OTHER_TEAM = "team-other";

function viewer(kind: Viewer): { actor: MaybeActor; memberTeamIds: string[] } {
  switch (kind) {
    case "signed out":
      return { actor: null, memberTeamIds: [] };
    case "signed-in non-member":
      return { actor: member, memberTeamIds: [OTHER_TEAM] };
    case "team member":
      return { actor: member, memberTeamIds: [OTHER_TEAM, OWNER_TEAM] };
    case "platform admin (non-member)":
      return { actor: platformAdmin, memberTeamIds: [] };
  }
}

interface ApiRow {
  visibility: Visibility;
  teamId: string;
  catalogVersionId: string | null;
}

/**
 * Evaluates the where-clause shapes visibleApisWhere may produce against one
 * row, the way Postgres would. Anything it does not know is an error, so a
 * new shape cannot pass by accident.
 */
function matches(where: Record<string, unknown>, row: ApiRow): boolean {
  return Object.entries(where).every(([key, condition]) => {
    if (key === "OR") return (condition as Record<string, unknown>[]).some((branch) => matches(branch, row));
    if (!(key in row)) throw new Error(`unexpected filter key ${key}`);
    const value = row[key as keyof ApiRow];
    if (typeof condition === "string" || condition === null) return value === condition;
    const operators = condition && typeof condition === "object" ? Object.keys(condition) : [];
    if (operators.length === 1 && operators[0] === "in") return (condition as { in: unknown[] }).in.includes(value);
    if (operators.length === 1 && operators[0] === "not") return value !== (condition as { not: unknown }).not;
    throw new Error(`unexpected condition ${JSON.stringify(condition)}`);
  });
}

function containsUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(containsUndefined);
  if (value && typeof value === "object") return Object.values(value).some(containsUndefined);
  return false;
}

describe("canSeeApi", () => {
  describe.each(VISIBILITIES)("a %s API in the catalog", (visibility) => {
    it.each(VIEWERS)("seen by %s?", (kind) => {
      const { actor: who } = viewer(kind);
      expect(canSeeApi(who, { visibility, actorIsTeamMember: kind === "team member", hasCatalogVersion: true })).toBe(SEES[visibility][kind]);
    });
  });

  describe.each(VISIBILITIES)("a %s API with drafts only", (visibility) => {
    it.each(VIEWERS)("seen by %s?", (kind) => {
      const { actor: who } = viewer(kind);
      expect(canSeeApi(who, { visibility, actorIsTeamMember: kind === "team member", hasCatalogVersion: false })).toBe(SEES_DRAFTS_ONLY[kind]);
    });
  });

  it("never shows a PRIVATE API or a draft to a signed-out caller, even if told it is a member", () => {
    expect(canSeeApi(null, { visibility: "PRIVATE", actorIsTeamMember: true, hasCatalogVersion: true })).toBe(false);
    expect(canSeeApi(null, { visibility: "PUBLIC", actorIsTeamMember: true, hasCatalogVersion: false })).toBe(false);
  });

  it("fails closed for a visibility it does not know", () => {
    for (const who of [null, member]) {
      expect(canSeeApi(who, { visibility: "SECRET" as Visibility, actorIsTeamMember: false, hasCatalogVersion: true })).toBeFalsy();
    }
  });
});

describe("visibleApisWhere", () => {
  const rows: ApiRow[] = VISIBILITIES.flatMap((visibility) =>
    [OWNER_TEAM, OTHER_TEAM].flatMap((teamId) => [null, "version-1"].map((catalogVersionId) => ({ visibility, teamId, catalogVersionId }))),
  );

  it.each(VIEWERS)("admits for %s exactly the APIs canSeeApi shows", (kind) => {
    const { actor: who, memberTeamIds } = viewer(kind);
    const where = visibleApisWhere(who, memberTeamIds);
    for (const row of rows) {
      const expected = canSeeApi(who, { visibility: row.visibility, actorIsTeamMember: memberTeamIds.includes(row.teamId), hasCatalogVersion: row.catalogVersionId != null });
      expect({ row, admitted: matches(where, row) }).toEqual({ row, admitted: expected });
    }
  });

  it("fails closed: signed out admits catalogued PUBLIC APIs only, with no undefined filter anywhere", () => {
    // Team ids passed for a signed-out caller grant nothing.
    for (const teamIds of [[], [OWNER_TEAM]]) {
      const admitted = rows.filter((row) => matches(visibleApisWhere(null, teamIds), row));
      expect(admitted.length).toBeGreaterThan(0);
      expect(admitted.every((row) => row.visibility === "PUBLIC" && row.catalogVersionId != null)).toBe(true);
    }
    for (const kind of VIEWERS) {
      const { actor: who, memberTeamIds } = viewer(kind);
      expect(containsUndefined(visibleApisWhere(who, memberTeamIds))).toBe(false);
    }
  });

  it("fails closed: a signed-in member of no team sees no PRIVATE API and no drafts", () => {
    const admitted = rows.filter((row) => matches(visibleApisWhere(member, []), row));
    expect(admitted.length).toBeGreaterThan(0);
    expect(admitted.every((row) => row.visibility !== "PRIVATE" && row.catalogVersionId != null)).toBe(true);
  });

  it("is unrestricted for platform admins only", () => {
    expect(visibleApisWhere(platformAdmin, [])).toEqual({});
    expect(visibleApisWhere(member, [OWNER_TEAM])).not.toEqual({});
  });

  it("copies the team ids, so later changes to the caller's array do not widen it", () => {
    const ids = [OTHER_TEAM];
    const where = visibleApisWhere(member, ids);
    ids.push(OWNER_TEAM);
    expect(matches(where, { visibility: "PRIVATE", teamId: OWNER_TEAM, catalogVersionId: "version-1" })).toBe(false);
  });
});
