// Shared by the keys*.test.ts files: a provider team with two APIs whose
// versions are stored directly in the states a test needs, a plan, a consumer
// team (one member per role) with an application, and an ACTIVE subscription
// written as a row. The access-request flow has its own tests; here a
// subscription is only the precondition of a key.
import { Client } from "pg";
import type { LifecycleState, SubscriptionStatus } from "@/lib/generated/prisma/enums";
import { storeVersion } from "@/lib/catalog/versions";
import { createTeam } from "@/lib/teams/teams";
import { createKey } from "@/lib/keys/keys";
import { documentFor } from "./catalog-fixtures";
import { db, makePat, makeTeam, makeUser, resetDatabase, type TestTeam, type TestUser } from "./helpers";

export const DAY = 86_400_000;

export interface VersionSpec {
  version: string;
  state: LifecycleState;
  sunsetAt?: Date | null;
  /** The version of the same API that replaces this (deprecated) one. */
  replacement?: string;
}

export interface CreatedApi {
  id: string;
  slug: string;
  /** Version id by semver. */
  ids: Record<string, string>;
}

/** An API of the team with its versions stored in the states given, in one transaction. */
export async function makeApi(teamId: string, slug: string, versions: VersionSpec[]): Promise<CreatedApi> {
  return db.$transaction(async (tx) => {
    const api = await tx.api.create({ data: { teamId, slug, name: `API ${slug}`, visibility: "PUBLIC" } });
    const ids: Record<string, string> = {};
    for (const spec of versions) {
      const document = documentFor({ name: `API ${slug}`, slug }, { version: spec.version, state: spec.state });
      const released = spec.state !== "DRAFT" && spec.state !== "IN_REVIEW";
      const created = await storeVersion(tx, {
        apiId: api.id,
        version: spec.version,
        document,
        sourceText: JSON.stringify(document),
        sourceFormat: "json",
        state: spec.state,
        publishedAt: released ? new Date(Date.now() - 200 * DAY) : null,
        deprecatedAt: spec.state === "DEPRECATED" ? new Date(Date.now() - DAY) : null,
        sunsetAt: spec.sunsetAt ?? null,
        retiredAt: spec.state === "RETIRED" ? new Date(Date.now() - DAY) : null,
      });
      ids[spec.version] = created.id;
    }
    for (const spec of versions) {
      if (spec.replacement) await tx.apiVersion.update({ where: { id: ids[spec.version] }, data: { replacementId: ids[spec.replacement] } });
    }
    return { id: api.id, slug, ids };
  });
}

export async function makeApplication(teamId: string, name: string, options: { archived?: boolean } = {}) {
  return db.application.create({ data: { teamId, name, archivedAt: options.archived ? new Date() : null }, select: { id: true, teamId: true, name: true } });
}

export async function makeSubscription(input: { applicationId: string; apiId: string; planId: string; requesterId: string; status?: SubscriptionStatus }) {
  const status = input.status ?? "ACTIVE";
  return db.subscription.create({
    data: { applicationId: input.applicationId, apiId: input.apiId, planId: input.planId, requesterId: input.requesterId, status, decidedAt: status === "PENDING" ? null : new Date() },
    select: { id: true, status: true },
  });
}

/** The sunset of the deprecated payments 1.5.0. */
export const SUNSET = new Date(Date.UTC(2031, 0, 15, 12, 0, 0));

/**
 * payments: 0.9.0 retired (the whole major 0), 1.0.0 retired, 1.5.0 deprecated
 * (replaced by 2.1.0), 2.0.0 and 2.1.0 published, 2.2.0-beta.1 published,
 * 2.3.0 a draft, 3.0.0 in review. ledger: 1.0.0 published.
 */
export const PAYMENTS_VERSIONS: VersionSpec[] = [
  { version: "0.9.0", state: "RETIRED" },
  { version: "1.0.0", state: "RETIRED" },
  { version: "1.5.0", state: "DEPRECATED", sunsetAt: SUNSET, replacement: "2.1.0" },
  { version: "2.0.0", state: "PUBLISHED" },
  { version: "2.1.0", state: "PUBLISHED" },
  { version: "2.2.0-beta.1", state: "PUBLISHED" },
  { version: "2.3.0", state: "DRAFT" },
  { version: "3.0.0", state: "IN_REVIEW" },
];

export interface People {
  /** The application's team: one member per role. */
  consumer: TestTeam;
  /** OWNER of the team that publishes the APIs; no member of the consumer team. */
  provider: TestUser;
  providerTeamId: string;
  /** OWNER of a third team. */
  outsider: TestUser;
  platformAdmin: TestUser;
  /** Bearer secret (personal access token) per user id. */
  tokens: Map<string, string>;
}

/** Signs the people up once per file (password hashing is slow); resets the database first. */
export async function makePeople(): Promise<People> {
  await resetDatabase();
  const consumer = await makeTeam({ slug: "shop", name: "Shop" });
  const provider = await makeUser({ name: "Provider" });
  const providerTeam = await createTeam(provider.actor, { slug: "payments-team", name: "Payments team" });
  const outsider = await makeUser({ name: "Outsider" });
  await createTeam(outsider.actor, { slug: "globex", name: "Globex" });
  const platformAdmin = await makeUser({ name: "Platform admin", platformRole: "ADMIN" });
  const tokens = new Map<string, string>();
  for (const user of [...Object.values(consumer.members), provider, outsider, platformAdmin]) tokens.set(user.id, (await makePat(user)).secret);
  // Set in the future, a token's lastUsedAt is never rewritten during the run,
  // so a snapshot around a call shows only what the call did.
  await db.personalAccessToken.updateMany({ data: { lastUsedAt: new Date(Date.now() + 365 * DAY) } });
  return { consumer, provider, providerTeamId: providerTeam.id, outsider, platformAdmin, tokens };
}

export interface World {
  payments: CreatedApi;
  ledger: CreatedApi;
  plan: { id: string; name: string };
  application: { id: string; teamId: string; name: string };
  subscription: { id: string };
}

/** Removes what a test may have made (audit events stay: they are append-only). */
export async function clearAccess(): Promise<void> {
  await db.subscription.deleteMany();
  await db.apiKey.deleteMany();
  await db.application.deleteMany();
  await db.plan.deleteMany();
  await db.api.deleteMany();
  await db.gatewayCredential.deleteMany();
  await db.idempotencyRecord.deleteMany();
}

/** The APIs, a Gold plan on payments, the application "Checkout" and its ACTIVE subscription to payments. */
export async function makeWorld(people: People): Promise<World> {
  await clearAccess();
  const payments = await makeApi(people.providerTeamId, "payments", PAYMENTS_VERSIONS);
  const ledger = await makeApi(people.providerTeamId, "ledger", [{ version: "1.0.0", state: "PUBLISHED" }]);
  const plan = await db.plan.create({
    data: { apiId: payments.id, name: "Gold", limitUnit: "REQUESTS", rateLimitPerMinute: 600, monthlyQuota: BigInt("10000000000"), requiresApproval: true },
    select: { id: true, name: true },
  });
  await db.plan.create({ data: { apiId: ledger.id, name: "Free", rateLimitPerMinute: 60 } });
  const application = await makeApplication(people.consumer.team.id, "Checkout");
  const subscription = await makeSubscription({ applicationId: application.id, apiId: payments.id, planId: plan.id, requesterId: people.consumer.members.DEVELOPER.id });
  return { payments, ledger, plan, application, subscription };
}

/** A key of the world's application, made by its DEVELOPER. */
export async function makeKey(people: People, world: World, input: { name?: string; expiresInDays?: number | null } = {}) {
  return createKey(people.consumer.members.DEVELOPER.actor, world.application.id, { name: input.name ?? "backend", expiresInDays: input.expiresInDays });
}

/**
 * Holds the application's row lock (FOR UPDATE, in a connection of its own)
 * while the calls start one after another, each once the previous one waits
 * on the lock; then lets them go. The calls reach the row in the order given.
 */
export async function queueAtApplication<T>(applicationId: string, calls: (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  // Settled as each call starts: a call that fails as soon as the lock is
  // released (while the ROLLBACK's client is still closing) must not count
  // as an unhandled rejection, which fails the whole run.
  const running: Promise<PromiseSettledResult<T>>[] = [];
  try {
    await client.query("BEGIN");
    await client.query(`SELECT 1 FROM "Application" WHERE "id" = $1 FOR UPDATE`, [applicationId]);
    for (const [index, call] of calls.entries()) {
      running.push(Promise.allSettled([call()]).then(([result]) => result));
      await waitForLockWaiters(client, index + 1);
    }
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
    await client.end();
  }
  return Promise.all(running);
}

async function waitForLockWaiters(client: Client, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Inside a transaction pg_stat_activity is read once and cached: clear that before each look.
    await client.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await client.query<{ count: string }>(
      `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    );
    if (Number(rows[0].count) >= count) return;
    if (Date.now() > deadline) throw new Error(`Expected ${count} transactions waiting for the application's row lock; ${rows[0].count} arrived.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
