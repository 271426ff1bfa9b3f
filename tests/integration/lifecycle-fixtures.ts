// Shared by the lifecycle-*.test.ts files: the people (one team with a member
// per role, a second team ADMIN, a member of another team, a platform admin)
// and their personal access tokens; APIs whose versions are stored directly in
// the state a test starts from (storeVersion, no walk through the API); the
// transitions route called as a function; and a way to hold two calls at the
// database until both have passed every check, so the conditional update
// alone decides the race. The test files mock next-auth's getServerSession
// (nobody has a cookie session): callers are identified by their token only.
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import { expect } from "vitest";
import type { LifecycleState, Visibility } from "@/lib/generated/prisma/enums";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { MaybeActor } from "@/lib/authz/actor";
import { storeVersion } from "@/lib/catalog/versions";
import { createTeam } from "@/lib/teams/teams";
import * as transitionsRoute from "@/app/api/v1/apis/[slug]/versions/[version]/transitions/route";
import { documentFor } from "./catalog-fixtures";
import { addMember, db, makePat, makeTeam, makeUser, type TestTeam, type TestUser } from "./helpers";

export const DAY = 86_400_000;
export const PROBLEMS = "https://portico.dev/problems";

export const ACTIONS = ["submit", "approve", "reject", "publish", "deprecate", "undeprecate", "retire", "delete"] as const;
export type Action = (typeof ACTIONS)[number];

export const CALLERS = ["OWNER", "ADMIN", "DEVELOPER", "VIEWER", "member of another team", "platform admin", "signed out"] as const;
export type Caller = (typeof CALLERS)[number];

export interface People extends TestTeam {
  /** A second ADMIN of the team, for four eyes and for two approvers at once. */
  secondAdmin: TestUser;
  /** The OWNER of another team ("globex"), no member of this one. */
  outsider: TestUser;
  platformAdmin: TestUser;
  /** Bearer secret per user id. */
  tokens: Map<string, string>;
}

/** Builds the people once per file (signing up hashes passwords: slow). */
export async function makePeople(): Promise<People> {
  const acme = await makeTeam({ slug: "acme", name: "Acme" });
  const secondAdmin = await makeUser({ name: "Second admin" });
  await addMember(acme.team.id, secondAdmin, "ADMIN");
  const outsider = await makeUser({ name: "Outsider" });
  await createTeam(outsider.actor, { slug: "globex", name: "Globex" });
  const platformAdmin = await makeUser({ name: "Platform admin", platformRole: "ADMIN" });
  const tokens = new Map<string, string>();
  for (const user of [...Object.values(acme.members), secondAdmin, outsider, platformAdmin]) tokens.set(user.id, (await makePat(user)).secret);
  // A token's lastUsedAt is written on use when it is older than 30 s. Set in
  // the future, it is never written during the run, so a snapshot taken around
  // a call shows only what the call itself did, however long the run takes.
  await db.personalAccessToken.updateMany({ data: { lastUsedAt: new Date(Date.now() + 365 * DAY) } });
  return { ...acme, secondAdmin, outsider, platformAdmin, tokens };
}

export function userOf(people: People, caller: Caller): TestUser | null {
  switch (caller) {
    case "member of another team":
      return people.outsider;
    case "platform admin":
      return people.platformAdmin;
    case "signed out":
      return null;
    default:
      return people.members[caller];
  }
}

export const actorOf = (people: People, caller: Caller): MaybeActor => userOf(people, caller)?.actor ?? null;

export function tokenOf(people: People, user: TestUser | null): string | undefined {
  return user ? people.tokens.get(user.id) : undefined;
}

// ---------------------------------------------------------------------------
// APIs and versions in a given state
// ---------------------------------------------------------------------------

export interface VersionSpec {
  version: string;
  state: LifecycleState;
  publishedAt?: Date | null;
  deprecatedAt?: Date | null;
  sunsetAt?: Date | null;
  retiredAt?: Date | null;
  lintReport?: Prisma.InputJsonValue;
  changeReport?: Prisma.InputJsonValue;
  /** The version of the same API that replaces this (deprecated) one. */
  replacement?: string;
  /** For IN_REVIEW: who submitted it (a LifecycleEvent DRAFT -> IN_REVIEW is written). */
  submitter?: TestUser;
}

export interface ApiSpec {
  slug?: string;
  visibility?: Visibility;
  minNoticeDays?: number;
  versions: VersionSpec[];
}

export interface CreatedApi {
  id: string;
  slug: string;
  /** Version id by semver. */
  ids: Record<string, string>;
}

let apiSequence = 0;

/**
 * Creates an API of the people's team with its versions stored directly in
 * their states (storeVersion keeps the operations and the catalog version),
 * sets the team's review policy, in one transaction.
 */
export async function createApi(people: People, spec: ApiSpec, options: { review?: boolean } = {}): Promise<CreatedApi> {
  apiSequence += 1;
  const slug = spec.slug ?? `lifecycle-${apiSequence}`;
  return db.$transaction(async (tx) => {
    if (options.review !== undefined) await tx.team.update({ where: { id: people.team.id }, data: { requireReview: options.review } });
    const api = await tx.api.create({
      data: { teamId: people.team.id, slug, name: `Lifecycle ${apiSequence}`, visibility: spec.visibility ?? "PUBLIC", ...(spec.minNoticeDays !== undefined ? { minNoticeDays: spec.minNoticeDays } : {}) },
    });
    const ids: Record<string, string> = {};
    for (const version of spec.versions) {
      const document = documentFor({ name: `Lifecycle ${apiSequence}`, slug }, { version: version.version, state: version.state });
      const released = version.state !== "DRAFT" && version.state !== "IN_REVIEW";
      const created = await storeVersion(tx, {
        apiId: api.id,
        version: version.version,
        document,
        sourceText: JSON.stringify(document, null, 2),
        sourceFormat: "json",
        state: version.state,
        publishedAt: version.publishedAt !== undefined ? version.publishedAt : released ? new Date(Date.now() - 100 * DAY) : null,
        deprecatedAt: version.deprecatedAt ?? null,
        sunsetAt: version.sunsetAt ?? null,
        retiredAt: version.retiredAt ?? null,
      });
      ids[version.version] = created.id;
      if (version.lintReport !== undefined || version.changeReport !== undefined) {
        await tx.apiVersion.update({ where: { id: created.id }, data: { lintReport: version.lintReport, changeReport: version.changeReport } });
      }
      if (version.submitter) {
        await tx.lifecycleEvent.create({ data: { versionId: created.id, from: "DRAFT", to: "IN_REVIEW", actorId: version.submitter.id, createdAt: new Date(Date.now() - DAY) } });
      }
    }
    for (const version of spec.versions) {
      if (version.replacement) await tx.apiVersion.update({ where: { id: ids[version.version] }, data: { replacementId: ids[version.replacement] } });
    }
    return { id: api.id, slug, ids };
  });
}

/** Removes the team's APIs (their versions, operations and lifecycle events go with them). Audit events stay: they are append-only. */
export async function clearApis(people: People): Promise<void> {
  await db.api.deleteMany({ where: { teamId: people.team.id } });
}

// ---------------------------------------------------------------------------
// The transitions route
// ---------------------------------------------------------------------------

type Handler = (request: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface CallResult {
  response: Response;
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON answer, read field by field
  json: any;
}

/** POST /api/v1/apis/{slug}/versions/{version}/transitions, with a Bearer token when given. */
export async function transition(
  slug: string,
  version: string,
  body: unknown,
  options: { token?: string; requestId?: string; rawBody?: string } = {},
): Promise<CallResult> {
  const headers = new Headers({ "content-type": "application/json" });
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  if (options.requestId) headers.set("x-request-id", options.requestId);
  const request = new Request(`http://localhost/api/v1/apis/${slug}/versions/${version}/transitions`, {
    method: "POST",
    headers,
    body: options.rawBody ?? JSON.stringify(body),
  });
  const response = await (transitionsRoute.POST as unknown as Handler)(request, { params: Promise.resolve({ slug, version }) });
  const text = await response.text();
  return { response, status: response.status, json: text ? JSON.parse(text) : null };
}

/** Asserts an RFC 9457 answer with this status and problem type. */
export function expectProblem(result: CallResult, status: number, type: string) {
  expect({ status: result.status, contentType: result.response.headers.get("content-type"), type: result.json?.type }).toEqual({
    status,
    contentType: "application/problem+json",
    type: `${PROBLEMS}/${type}`,
  });
  expect(result.json).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
}

export const requestId = () => `lifecycle-${randomUUID()}`;

// ---------------------------------------------------------------------------
// Database state
// ---------------------------------------------------------------------------

export type Snapshot = Record<string, string[]>;

/** The tables whose rows differ between two snapshots. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  return Object.keys(after)
    .filter((table) => JSON.stringify(before[table]) !== JSON.stringify(after[table]))
    .sort();
}

/** The rows of a table in a snapshot, parsed. */
export function rows(snapshot: Snapshot, table: string): Record<string, unknown>[] {
  return (snapshot[table] ?? []).map((row) => JSON.parse(row) as Record<string, unknown>);
}

/** The rows of `table` in `after` that were not in `before` (by id). */
export function addedRows(before: Snapshot, after: Snapshot, table: string): Record<string, unknown>[] {
  const known = new Set(rows(before, table).map((row) => row.id));
  return rows(after, table).filter((row) => !known.has(row.id));
}

export async function eventsOf(versionId: string) {
  return db.lifecycleEvent.findMany({ where: { versionId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { from: true, to: true, actorId: true, reason: true } });
}

export async function catalogVersionOf(apiId: string): Promise<string | null> {
  return (await db.api.findUniqueOrThrow({ where: { id: apiId }, select: { catalogVersionId: true } })).catalogVersionId;
}

// ---------------------------------------------------------------------------
// Forcing races
// ---------------------------------------------------------------------------

async function lockWaiters(client: Client): Promise<number> {
  // Inside a transaction pg_stat_activity is read once and then cached: clear that before each look.
  await client.query("SELECT pg_stat_clear_snapshot()");
  const { rows: found } = await client.query<{ count: string }>(
    `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
  );
  return Number(found[0].count);
}

async function waitForLockWaiters(client: Client, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await lockWaiters(client)) < count) {
    if (Date.now() > deadline) {
      await client.query("SELECT pg_stat_clear_snapshot()");
      const { rows: sessions } = await client.query(
        `SELECT state, wait_event_type, wait_event, left(query, 120) AS query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      throw new Error(`Expected ${count} transactions waiting for the held row lock; only ${await lockWaiters(client)} arrived. Sessions: ${JSON.stringify(sessions)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Holds a row lock (SELECT ... FOR UPDATE in a connection of its own) while
 * the calls start one after another: each is started once the previous one
 * waits on the lock, that is, once it has passed every check and reached its
 * write. Then the lock is released and the calls finish in the order they
 * queued. Reads are not blocked by the lock, so every call has read the state
 * before any of them writes: only the conditional write can tell them apart.
 */
export async function raceAtRow<T>(table: "ApiVersion" | "Api", id: string, calls: (() => Promise<T>)[]): Promise<T[]> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const running: Promise<T>[] = [];
  try {
    await client.query("BEGIN");
    await client.query(`SELECT 1 FROM "${table}" WHERE "id" = $1 FOR UPDATE`, [id]);
    for (const [index, call] of calls.entries()) {
      running.push(call());
      await waitForLockWaiters(client, index + 1);
    }
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    await Promise.allSettled(running);
    throw error;
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
    await client.end();
  }
  return Promise.all(running);
}
