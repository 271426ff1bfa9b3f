// Shared by the integration tests: a clean database per test, factories that
// go through the real domain functions, and assertions on refusals.
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { db } from "@/lib/db";
import { ZodError } from "zod";
import { AppError } from "@/lib/errors";
import { toAppError } from "@/lib/http/problem";
import type { Actor } from "@/lib/authz/actor";
import type { PlatformRole, TeamRole } from "@/lib/generated/prisma/enums";
import { signUp } from "@/lib/users/sign-up";
import { createTeam } from "@/lib/teams/teams";
import { createPersonalAccessToken, type CreateTokenInput } from "@/lib/tokens/personal-access-tokens";

export { db };

let tableList: string[] | undefined;

/** Every application table (not Prisma's migration history). */
export async function applicationTables(): Promise<string[]> {
  tableList ??= (
    await db.$queryRaw<{ tablename: string }[]>`
      SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`
  ).map((row) => row.tablename);
  return tableList;
}

/**
 * Empties every table with one TRUNCATE. The AuditEvent trigger refuses
 * UPDATE and DELETE row by row; TRUNCATE does not fire it.
 */
export async function resetDatabase(): Promise<void> {
  const tables = await applicationTables();
  await db.$executeRawUnsafe(`TRUNCATE TABLE ${tables.map((table) => `"public"."${table}"`).join(", ")} RESTART IDENTITY CASCADE`);
}

/**
 * The whole content of the database, every row of every table as JSON,
 * sorted: compare two snapshots to prove that a call changed nothing.
 */
export async function snapshotDatabase(): Promise<Record<string, string[]>> {
  const tables = await applicationTables();
  const columns = tables.map(
    (table) => `(SELECT coalesce(jsonb_agg(to_jsonb(t)::text ORDER BY to_jsonb(t)::text), '[]'::jsonb) FROM "public"."${table}" t) AS "${table}"`,
  );
  const [row] = await db.$queryRawUnsafe<Record<string, string[]>[]>(`SELECT ${columns.join(", ")}`);
  return row;
}

export async function auditCount(where: { action?: string; teamId?: string } = {}): Promise<number> {
  return db.auditEvent.count({ where });
}

export function actorFor(user: { id: string; email: string; name: string | null; platformRole: PlatformRole }, via: Actor["via"] = "session"): Actor {
  return { userId: user.id, email: user.email, name: user.name, platformRole: user.platformRole, requestId: `test-${randomUUID()}`, via };
}

export const TEST_PASSWORD = "correct horse battery staple";

export interface TestUser {
  id: string;
  email: string;
  name: string | null;
  platformRole: PlatformRole;
  actor: Actor;
}

let userSequence = 0;

/**
 * Signs a user up through `signUp`. The first account of a database becomes
 * platform ADMIN there; this factory then sets the role asked for (MEMBER
 * unless told otherwise), so a test never gets an admin by accident.
 */
export async function makeUser(options: { email?: string; name?: string; platformRole?: PlatformRole } = {}): Promise<TestUser> {
  userSequence += 1;
  const email = options.email ?? `user${userSequence}.${randomUUID().slice(0, 8)}@example.test`;
  const created = await signUp({ name: options.name ?? `User ${userSequence}`, email, password: TEST_PASSWORD }, null);
  const platformRole = options.platformRole ?? "MEMBER";
  const user =
    created.platformRole === platformRole
      ? created
      : await db.user.update({ where: { id: created.id }, data: { platformRole }, select: { id: true, email: true, name: true, platformRole: true } });
  return { ...user, actor: actorFor(user) };
}

export interface TestTeam {
  team: { id: string; slug: string; name: string };
  /** One member per role; the OWNER created the team. */
  members: Record<TeamRole, TestUser>;
}

let teamSequence = 0;

/** A team created by its OWNER through `createTeam`, with one ADMIN, DEVELOPER and VIEWER added. */
export async function makeTeam(options: { slug?: string; name?: string; owner?: TestUser } = {}): Promise<TestTeam> {
  teamSequence += 1;
  const owner = options.owner ?? (await makeUser({ name: `Owner ${teamSequence}` }));
  const slug = options.slug ?? `team-${teamSequence}-${randomUUID().slice(0, 6)}`;
  const team = await createTeam(owner.actor, { name: options.name ?? `Team ${teamSequence}`, slug });
  const members = { OWNER: owner } as Record<TeamRole, TestUser>;
  for (const role of ["ADMIN", "DEVELOPER", "VIEWER"] as const) {
    const user = await makeUser({ name: `${role.toLowerCase()} of ${slug}` });
    await addMember(team.id, user, role);
    members[role] = user;
  }
  return { team: { id: team.id, slug: team.slug, name: team.name }, members };
}

/** Adds a membership directly (no invitation, no audit event): for fixtures. */
export async function addMember(teamId: string, user: TestUser, role: TeamRole): Promise<void> {
  await db.membership.create({ data: { teamId, userId: user.id, role } });
}

/** A personal access token for the user; `secret` is what a script would send. */
export async function makePat(user: TestUser, input: Partial<CreateTokenInput> = {}) {
  return createPersonalAccessToken(user.actor, { name: input.name ?? "ci", expiresInDays: input.expiresInDays });
}

/** Awaits the call and asserts it was refused with an AppError (or invalid input) of that status (and code, when given). */
export async function expectAppError(call: Promise<unknown>, status: number, code?: string): Promise<AppError> {
  const error = await call.then(
    (value) => {
      throw new Error(`Expected an AppError ${status}, but the call succeeded with ${JSON.stringify(value)}`);
    },
    (reason: unknown) => reason,
  );
  // Input is validated by zod inside the domain functions; every caller turns
  // a ZodError into the same 422 AppError (lib/http/problem.ts).
  const appError = error instanceof ZodError ? toAppError(error) : (error as AppError);
  expect(appError).toBeInstanceOf(AppError);
  expect({ status: appError.status, code: appError.code }).toEqual({ status, code: code ?? appError.code });
  return appError;
}
