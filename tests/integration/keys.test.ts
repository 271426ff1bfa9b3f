// API keys through the domain functions: issuing (only with an approved
// subscription, shown once), who may manage them, rotation with a grace
// period, revocation and races, archiving, the gateway's verification and
// gateway credentials. Real database throughout.
import type pg from "pg";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { hashSecret } from "@/lib/crypto";
import type { MaybeActor } from "@/lib/authz/actor";
import { AppError } from "@/lib/errors";
import { toAppError } from "@/lib/http/problem";
import { createKey, getKey, listKeys, revokeApplicationKeys, revokeKey, rotateKey } from "@/lib/keys/keys";
import { verifyKey } from "@/lib/keys/verify";
import { generateKey, hasValidChecksum } from "@/lib/keys/format";
import {
  authenticateGatewayCredential,
  createGatewayCredential,
  GATEWAY_CREDENTIAL_PREFIX,
  listGatewayCredentials,
  revokeGatewayCredential,
} from "@/lib/keys/gateway-credentials";
import { DAY, makeApplication, makeKey, makePeople, makeSubscription, makeWorld, queueAtApplication, SUNSET, type People, type World } from "./access-fixtures";
import { db, expectAppError, snapshotDatabase } from "./helpers";

let people: People;
let world: World;

beforeAll(async () => {
  people = await makePeople();
});

beforeEach(async () => {
  world = await makeWorld(people);
});

const developer = () => people.consumer.members.DEVELOPER.actor;
const verify = (key: string, version = "2.1.0", apiSlug = "payments") => verifyKey({ key, apiSlug, version });

async function storedKey(id: string) {
  return db.apiKey.findUniqueOrThrow({ where: { id }, select: { keyHash: true, prefix: true, expiresAt: true, revokedAt: true, rotatedToId: true, lastUsedAt: true, name: true } });
}

const FULL_KEY = /ptk_[0-9A-Za-z]{49}/;

/** Awaits a call that must fail input validation (a 422 for a caller), on exactly this field. */
async function expectInvalid(call: Promise<unknown>, pointer: string): Promise<AppError> {
  const reason = await call.then(
    (value) => {
      throw new Error(`Expected a validation error, but the call succeeded with ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
  const error = toAppError(reason);
  expect({ status: error.status, pointers: error.errors.map((e) => e.pointer) }).toEqual({ status: 422, pointers: [pointer] });
  return error;
}

describe("creating a key", () => {
  it("is refused while the application has no ACTIVE subscription, and changes nothing", async () => {
    const other = await makeApplication(people.consumer.team.id, "Reporting");
    const pending = await makeSubscription({ applicationId: other.id, apiId: world.payments.id, planId: world.plan.id, requesterId: people.consumer.members.DEVELOPER.id, status: "PENDING" });
    await makeSubscription({ applicationId: other.id, apiId: world.ledger.id, planId: (await db.plan.findFirstOrThrow({ where: { apiId: world.ledger.id } })).id, requesterId: people.consumer.members.DEVELOPER.id, status: "REVOKED" });
    const before = await snapshotDatabase();

    const error = await expectAppError(createKey(developer(), other.id, { name: "too early" }), 409, "no-active-subscription");
    expect(error.message).toMatch(/approved subscription/);
    expect(await snapshotDatabase()).toEqual(before);

    // Once the request is approved, keys can be made.
    await db.subscription.update({ where: { id: pending.id }, data: { status: "ACTIVE" } });
    const { key } = await createKey(developer(), other.id, { name: "now" });
    expect(key.status).toBe("ACTIVE");
  });

  it("answers the secret once and stores only its hash and display prefix", async () => {
    const { key, secret } = await createKey(developer(), world.application.id, { name: "  production backend ", expiresInDays: 30 });

    expect(hasValidChecksum(secret)).toBe(true);
    expect(key).toMatchObject({
      applicationId: world.application.id,
      name: "production backend",
      prefix: secret.slice(0, 12),
      status: "ACTIVE",
      lastUsedAt: null,
      revokedAt: null,
      rotatedToId: null,
      createdBy: { id: people.consumer.members.DEVELOPER.id, email: people.consumer.members.DEVELOPER.email, name: people.consumer.members.DEVELOPER.name },
    });
    expect(key).not.toHaveProperty("keyHash");
    expect(Math.round((key.expiresAt!.getTime() - Date.now()) / DAY)).toBe(30);

    expect((await storedKey(key.id)).keyHash).toBe(hashSecret(secret));
    // Nowhere in the database: not the key row, not the audit log.
    const everything = JSON.stringify(await snapshotDatabase());
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(12));
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "key.created", targetId: key.id } })).toMatchObject({
      actorId: people.consumer.members.DEVELOPER.id,
      teamId: people.consumer.team.id,
      targetType: "api_key",
      after: { applicationId: world.application.id, name: "production backend", prefix: key.prefix },
    });

    // Never again: listing and reading show neither the key nor its hash.
    const listed = await listKeys(people.consumer.members.VIEWER.actor, world.application.id);
    const text = JSON.stringify([listed, await getKey(developer(), world.application.id, key.id)]);
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(FULL_KEY);
    expect(text).not.toContain("keyHash");
    expect(text).not.toContain(hashSecret(secret));
  });

  it("expires after 90 days unless told otherwise, or never", async () => {
    const defaulted = await makeKey(people, world, { expiresInDays: undefined });
    expect(Math.round((defaulted.key.expiresAt!.getTime() - Date.now()) / DAY)).toBe(90);
    expect((await makeKey(people, world, { expiresInDays: null })).key.expiresAt).toBeNull();
    await expectInvalid(createKey(developer(), world.application.id, { name: "x", expiresInDays: 0 }), "/expiresInDays");
    await expectInvalid(createKey(developer(), world.application.id, { name: " ", expiresInDays: 30 }), "/name");
  });

  it("is open to the team's DEVELOPER, ADMIN and OWNER, and to platform admins", async () => {
    for (const actor of [people.consumer.members.OWNER.actor, people.consumer.members.ADMIN.actor, people.platformAdmin.actor]) {
      const { key } = await createKey(actor, world.application.id, { name: `by ${actor.email}` });
      expect(key.createdBy?.id).toBe(actor.userId);
    }
  });
});

describe("who may manage keys", () => {
  type Call = (actor: MaybeActor, keyId: string) => Promise<unknown>;
  const calls: [string, Call][] = [
    ["create", (actor) => createKey(actor, world.application.id, { name: "intruder" })],
    ["rotate", (actor, keyId) => rotateKey(actor, world.application.id, keyId, { graceSeconds: 60 })],
    ["revoke", (actor, keyId) => revokeKey(actor, world.application.id, keyId)],
  ];
  const callers: [string, () => MaybeActor, number, string][] = [
    ["a VIEWER of the team", () => people.consumer.members.VIEWER.actor, 403, "forbidden"],
    ["a member of another team", () => people.outsider.actor, 404, "not-found"],
    ["the API's owner (no member of the application's team)", () => people.provider.actor, 404, "not-found"],
    ["nobody signed in", () => null, 401, "unauthenticated"],
  ];

  for (const [label, call] of calls) {
    it.each(callers)(`${label}: %s is refused and nothing changes`, async (_who, actorOf, status, kind) => {
      const { secret, key } = await makeKey(people, world);
      const before = await snapshotDatabase();

      const error = await expectAppError(call(actorOf(), key.id), status);
      expect(error.kind).toBe(kind);

      expect(await snapshotDatabase()).toEqual(before);
      expect((await verify(secret)).allowed).toBe(true);
    });
  }

  it("another team's member cannot list or read the keys either (404), a VIEWER can", async () => {
    const { key } = await makeKey(people, world);
    await expectAppError(listKeys(people.outsider.actor, world.application.id), 404);
    await expectAppError(getKey(people.outsider.actor, world.application.id, key.id), 404);
    await expectAppError(listKeys(null, world.application.id), 401);
    expect((await listKeys(people.consumer.members.VIEWER.actor, world.application.id)).items.map((k) => k.id)).toEqual([key.id]);
  });

  it("a key is addressed through its own application only (404 through another of the team's)", async () => {
    const { key, secret } = await makeKey(people, world);
    const sibling = await makeApplication(people.consumer.team.id, "Sibling");
    await makeSubscription({ applicationId: sibling.id, apiId: world.payments.id, planId: world.plan.id, requesterId: people.consumer.members.DEVELOPER.id });

    await expectAppError(revokeKey(developer(), sibling.id, key.id), 404);
    await expectAppError(rotateKey(developer(), sibling.id, key.id, { graceSeconds: 0 }), 404);
    await expectAppError(getKey(developer(), sibling.id, key.id), 404);
    await expectAppError(revokeKey(developer(), world.application.id, "no-such-key"), 404);
    expect((await verify(secret)).allowed).toBe(true);
  });

  it("an archived application takes no new keys and no changes (409)", async () => {
    const { key } = await makeKey(people, world);
    await db.application.update({ where: { id: world.application.id }, data: { archivedAt: new Date() } });
    const before = await snapshotDatabase();
    await expectAppError(createKey(developer(), world.application.id, { name: "late" }), 409, "application-archived");
    await expectAppError(rotateKey(developer(), world.application.id, key.id, {}), 409, "application-archived");
    expect(await snapshotDatabase()).toEqual(before);
    // Still readable.
    expect((await listKeys(developer(), world.application.id)).items).toHaveLength(1);
  });
});

describe("listing keys", () => {
  it("shows each key's status, newest first, a page at a time", async () => {
    const revoked = await makeKey(people, world, { name: "revoked" });
    await revokeKey(developer(), world.application.id, revoked.key.id);
    const expired = await makeKey(people, world, { name: "expired" });
    await db.apiKey.update({ where: { id: expired.key.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const rotated = await makeKey(people, world, { name: "rotated" });
    const { key: replacement } = await rotateKey(developer(), world.application.id, rotated.key.id, { graceSeconds: 3600 });

    const page = await listKeys(developer(), world.application.id);
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((key) => [key.name, key.status])).toEqual([
      ["rotated", "ACTIVE"],
      ["rotated", "EXPIRING"],
      ["expired", "EXPIRED"],
      ["revoked", "REVOKED"],
    ]);
    expect(page.items[1].rotatedToId).toBe(replacement.id);

    const first = await listKeys(developer(), world.application.id, { limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).toBe(first.items[2].id);
    const second = await listKeys(developer(), world.application.id, { limit: 3, cursor: first.nextCursor! });
    expect(second).toEqual({ items: [expect.objectContaining({ name: "revoked" })], nextCursor: null });
  });
});

describe("rotating a key", () => {
  it("issues a replacement of the same name; the old key works during the grace period and not after it", async () => {
    const old = await makeKey(people, world, { name: "backend", expiresInDays: 90 });
    const start = Date.now();

    const rotation = await rotateKey(developer(), world.application.id, old.key.id, { graceSeconds: 3600 });

    expect(hasValidChecksum(rotation.secret)).toBe(true);
    expect(rotation.secret).not.toBe(old.secret);
    expect(rotation.key).toMatchObject({ name: "backend", status: "ACTIVE", prefix: rotation.secret.slice(0, 12), rotatedToId: null });
    // The replacement lives as long as the old key was meant to.
    expect(Math.round((rotation.key.expiresAt!.getTime() - Date.now()) / DAY)).toBe(90);
    expect(rotation.previous).toMatchObject({ id: old.key.id, status: "EXPIRING", rotatedToId: rotation.key.id });
    const grace = rotation.previous.expiresAt!.getTime() - start;
    expect(grace).toBeGreaterThan(3600_000 - 5_000);
    expect(grace).toBeLessThanOrEqual(3600_000 + 5_000);
    expect(await storedKey(old.key.id)).toMatchObject({ rotatedToId: rotation.key.id, expiresAt: rotation.previous.expiresAt, revokedAt: null });

    // Both work during the grace period.
    expect((await verify(old.secret)).allowed).toBe(true);
    expect((await verify(rotation.secret)).allowed).toBe(true);

    // The grace period is over: the old key is refused, the new one is not.
    await db.apiKey.update({ where: { id: old.key.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await verify(old.secret)).toMatchObject({ allowed: false, reason: "key-expired" });
    expect((await verify(rotation.secret)).allowed).toBe(true);
    expect((await getKey(developer(), world.application.id, old.key.id)).status).toBe("EXPIRED");

    const events = await db.auditEvent.findMany({ where: { action: { in: ["key.rotated", "key.created"] }, targetId: { in: [old.key.id, rotation.key.id] } }, orderBy: { createdAt: "asc" } });
    expect(events.map((event) => [event.action, event.targetId, event.teamId])).toEqual([
      ["key.created", old.key.id, people.consumer.team.id],
      ["key.created", rotation.key.id, people.consumer.team.id],
      ["key.rotated", old.key.id, people.consumer.team.id],
    ]);
    expect(events[2].after).toMatchObject({ graceSeconds: 3600, rotatedToId: rotation.key.id, replacementPrefix: rotation.key.prefix });
    expect(JSON.stringify(events)).not.toContain(rotation.secret);
  });

  it("with a grace of 1 second, the old key stops working by itself", async () => {
    const old = await makeKey(people, world);
    await rotateKey(developer(), world.application.id, old.key.id, { graceSeconds: 1 });
    expect((await verify(old.secret)).allowed).toBe(true);

    const deadline = Date.now() + 10_000;
    let answer = await verify(old.secret);
    while (answer.allowed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await verify(old.secret);
    }
    expect(answer).toMatchObject({ allowed: false, reason: "key-expired" });
  });

  it("immediately (grace 0): the old key is refused at once", async () => {
    const old = await makeKey(people, world);
    const rotation = await rotateKey(developer(), world.application.id, old.key.id, { graceSeconds: 0 });
    expect(rotation.previous.status).toBe("EXPIRED");
    expect(await verify(old.secret)).toMatchObject({ allowed: false, reason: "key-expired" });
    expect((await verify(rotation.secret)).allowed).toBe(true);
  });

  it("never lengthens the old key's life, and a key that never expires is replaced by one that never expires", async () => {
    const soon = await makeKey(people, world, { expiresInDays: 1 });
    const rotation = await rotateKey(developer(), world.application.id, soon.key.id, { graceSeconds: 7 * 86_400 });
    expect(rotation.previous.expiresAt).toEqual(soon.key.expiresAt);
    expect(Math.round((rotation.key.expiresAt!.getTime() - Date.now()) / DAY)).toBe(1);

    const forever = await makeKey(people, world, { expiresInDays: null });
    const replaced = await rotateKey(developer(), world.application.id, forever.key.id, { graceSeconds: 60 });
    expect(replaced.key.expiresAt).toBeNull();
  });

  it("does not need an active subscription: it replaces a credential and grants nothing new", async () => {
    const old = await makeKey(people, world);
    await db.subscription.update({ where: { id: world.subscription.id }, data: { status: "REVOKED" } });
    const rotation = await rotateKey(developer(), world.application.id, old.key.id, { graceSeconds: 60 });
    expect(await verify(rotation.secret)).toMatchObject({ allowed: false, reason: "not-subscribed" });
    await expectAppError(createKey(developer(), world.application.id, { name: "new" }), 409, "no-active-subscription");
  });

  it("refuses a grace period over 30 days or below zero (422), and changes nothing", async () => {
    const { key } = await makeKey(people, world);
    const before = await snapshotDatabase();
    const error = await expectInvalid(rotateKey(developer(), world.application.id, key.id, { graceSeconds: 30 * 86_400 + 1 }), "/graceSeconds");
    expect(error.message).toMatch(/30 days/);
    await expectInvalid(rotateKey(developer(), world.application.id, key.id, { graceSeconds: -1 }), "/graceSeconds");
    expect(await snapshotDatabase()).toEqual(before);
    expect((await rotateKey(developer(), world.application.id, key.id, { graceSeconds: 30 * 86_400 })).previous.status).toBe("EXPIRING");
  });

  it("refuses to rotate a key that was already rotated, revoked or has expired (409), and changes nothing", async () => {
    const rotated = await makeKey(people, world);
    await rotateKey(developer(), world.application.id, rotated.key.id, { graceSeconds: 3600 });
    const revoked = await makeKey(people, world);
    await revokeKey(developer(), world.application.id, revoked.key.id);
    const expired = await makeKey(people, world);
    await db.apiKey.update({ where: { id: expired.key.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const before = await snapshotDatabase();

    await expectAppError(rotateKey(developer(), world.application.id, rotated.key.id, { graceSeconds: 0 }), 409, "key-rotated");
    await expectAppError(rotateKey(developer(), world.application.id, revoked.key.id, { graceSeconds: 0 }), 409, "key-revoked");
    await expectAppError(rotateKey(developer(), world.application.id, expired.key.id, { graceSeconds: 0 }), 409, "key-expired");

    expect(await snapshotDatabase()).toEqual(before);
  });

  it("of several rotations at once, exactly one succeeds; the others are 409 and leave no key behind", async () => {
    const old = await makeKey(people, world);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => rotateKey(developer(), world.application.id, old.key.id, { graceSeconds: 60 })));

    const won = results.filter((result) => result.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") expect({ status: (result.reason as AppError).status, code: (result.reason as AppError).code }).toEqual({ status: 409, code: "key-rotated" });
    }
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof rotateKey>>>).value;
    expect(await db.apiKey.count({ where: { applicationId: world.application.id } })).toBe(2);
    expect((await storedKey(old.key.id)).rotatedToId).toBe(winner.key.id);
    expect(await db.auditEvent.count({ where: { action: "key.rotated", targetId: old.key.id } })).toBe(1);
  });
});

describe("revoking a key", () => {
  it("takes effect at once, is recorded, and a second revocation is a 409", async () => {
    const { key, secret } = await makeKey(people, world);
    expect((await verify(secret)).allowed).toBe(true);

    const revoked = await revokeKey(developer(), world.application.id, key.id);

    expect(revoked.status).toBe("REVOKED");
    expect(await verify(secret)).toEqual({ allowed: false, reason: "key-revoked", application: { id: world.application.id, name: "Checkout", teamId: people.consumer.team.id } });
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "key.revoked", targetId: key.id } })).toMatchObject({
      actorId: people.consumer.members.DEVELOPER.id,
      teamId: people.consumer.team.id,
      before: { status: "ACTIVE" },
    });
    const before = await snapshotDatabase();
    await expectAppError(revokeKey(developer(), world.application.id, key.id), 409, "key-revoked");
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("cuts a rotation's grace period short", async () => {
    const old = await makeKey(people, world);
    await rotateKey(developer(), world.application.id, old.key.id, { graceSeconds: 7 * 86_400 });
    expect((await verify(old.secret)).allowed).toBe(true);
    await revokeKey(developer(), world.application.id, old.key.id);
    expect(await verify(old.secret)).toMatchObject({ allowed: false, reason: "key-revoked" });
  });

  it("of 20 revocations at once, exactly one succeeds and is recorded; the others are told it is done (409)", async () => {
    const { key } = await makeKey(people, world);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => revokeKey(developer(), world.application.id, key.id)));

    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const refusals = results.filter((result): result is PromiseRejectedResult => result.status === "rejected").map((result) => result.reason as AppError);
    expect(refusals).toHaveLength(19);
    for (const refusal of refusals) expect({ status: refusal.status, code: refusal.code }).toEqual({ status: 409, code: "key-revoked" });
    expect(await db.auditEvent.count({ where: { action: "key.revoked", targetId: key.id } })).toBe(1);
  });

  it("a revocation racing a rotation always ends with the key revoked, and never with a replacement of a revoked key", async () => {
    const { key } = await makeKey(people, world);
    const [revoking, rotating] = await Promise.allSettled([
      revokeKey(developer(), world.application.id, key.id),
      rotateKey(developer(), world.application.id, key.id, { graceSeconds: 3600 }),
    ]);
    const stored = await storedKey(key.id);
    if (rotating.status === "fulfilled") {
      // Rotated first, then revoked: both succeed in that order.
      expect(stored.rotatedToId).toBe(rotating.value.key.id);
    } else {
      expect(revoking.status).toBe("fulfilled");
      expect((rotating.reason as AppError).code).toBe("key-revoked");
      expect(stored.rotatedToId).toBeNull();
      expect(await db.apiKey.count({ where: { applicationId: world.application.id } })).toBe(1);
    }
    expect(stored.revokedAt).not.toBeNull();
  });
});

describe("archiving: revokeApplicationKeys", () => {
  it("revokes every key that still works, in the caller's transaction, one audit event each", async () => {
    const active = await makeKey(people, world, { name: "active" });
    const rotating = await makeKey(people, world, { name: "rotating" });
    const replacement = await rotateKey(developer(), world.application.id, rotating.key.id, { graceSeconds: 3600 });
    const revoked = await makeKey(people, world, { name: "revoked" });
    await revokeKey(developer(), world.application.id, revoked.key.id);
    const revokedAt = (await storedKey(revoked.key.id)).revokedAt;
    const otherApp = await makeApplication(people.consumer.team.id, "Untouched");
    await makeSubscription({ applicationId: otherApp.id, apiId: world.payments.id, planId: world.plan.id, requesterId: people.consumer.members.DEVELOPER.id });
    const other = await createKey(developer(), otherApp.id, { name: "other app" });

    const count = await db.$transaction(async (tx) => {
      await tx.application.update({ where: { id: world.application.id }, data: { archivedAt: new Date() } });
      return revokeApplicationKeys(tx, world.application.id, people.consumer.members.OWNER.actor);
    });

    expect(count).toBe(3);
    for (const secret of [active.secret, rotating.secret, replacement.secret]) expect(await verify(secret)).toMatchObject({ allowed: false, reason: "key-revoked" });
    expect((await storedKey(revoked.key.id)).revokedAt).toEqual(revokedAt);
    expect((await verify(other.secret)).allowed).toBe(true);
    const events = await db.auditEvent.findMany({ where: { action: "key.revoked", actorId: people.consumer.members.OWNER.id, targetId: { in: [active.key.id, rotating.key.id, replacement.key.id, revoked.key.id] } } });
    expect(events.map((event) => event.targetId).sort()).toEqual([active.key.id, rotating.key.id, replacement.key.id].sort());
    for (const event of events) expect(event).toMatchObject({ teamId: people.consumer.team.id, after: { reason: "application-archived" } });
  });

  describe("a key created while the application is archived", () => {
    const archive = () =>
      db.$transaction(async (tx) => {
        await tx.application.update({ where: { id: world.application.id }, data: { archivedAt: new Date() } });
        return revokeApplicationKeys(tx, world.application.id, people.consumer.members.OWNER.actor);
      });
    const create = () => createKey(developer(), world.application.id, { name: "racing the archive" });

    it("is revoked with the others when it got there first", async () => {
      const [created, archived] = await queueAtApplication<unknown>(world.application.id, [create, archive]);
      expect(created.status).toBe("fulfilled");
      expect(archived).toEqual({ status: "fulfilled", value: 1 });
      const { secret } = (created as PromiseFulfilledResult<Awaited<ReturnType<typeof createKey>>>).value;
      expect(await verify(secret)).toMatchObject({ allowed: false, reason: "key-revoked" });
    });

    it("is refused (409) when the archive got there first", async () => {
      const [archived, created] = await queueAtApplication<unknown>(world.application.id, [archive, create]);
      expect(archived).toEqual({ status: "fulfilled", value: 0 });
      expect(created.status).toBe("rejected");
      expect(((created as PromiseRejectedResult).reason as AppError).code).toBe("application-archived");
      expect(await db.apiKey.count({ where: { applicationId: world.application.id } })).toBe(0);
    });
  });

  it("is undone with the transaction that called it", async () => {
    const { key, secret } = await makeKey(people, world);
    const failure = new Error("archiving failed later");
    await expect(
      db.$transaction(async (tx) => {
        expect(await revokeApplicationKeys(tx, world.application.id, people.consumer.members.OWNER.actor)).toBe(1);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect((await storedKey(key.id)).revokedAt).toBeNull();
    expect(await db.auditEvent.count({ where: { action: "key.revoked", targetId: key.id } })).toBe(0);
    expect((await verify(secret)).allowed).toBe(true);
  });
});

describe("verifying a key for the gateway", () => {
  it("answers the application, the subscription's plan and the version", async () => {
    const { secret } = await makeKey(people, world);

    expect(await verify(secret, "2.1.0")).toEqual({
      allowed: true,
      application: { id: world.application.id, name: "Checkout", teamId: people.consumer.team.id },
      subscription: {
        id: world.subscription.id,
        plan: { id: world.plan.id, name: "Gold", limitUnit: "REQUESTS", rateLimitPerMinute: 600, monthlyQuota: BigInt("10000000000") },
      },
      version: { version: "2.1.0", state: "PUBLISHED", sunsetAt: null, replacement: null },
    });
  });

  it("accepts a deprecated version, with its sunset and replacement", async () => {
    const { secret } = await makeKey(people, world);
    expect(await verify(secret, "1.5.0")).toMatchObject({ allowed: true, version: { version: "1.5.0", state: "DEPRECATED", sunsetAt: SUNSET, replacement: "2.1.0" } });
  });

  it.each([
    ["v2", "2.1.0", "the newest stable release of the major (not the beta, not the draft 2.3.0)"],
    ["v1", "1.5.0", "a deprecated version still in service before a retired one"],
    ["2.2.0-beta.1", "2.2.0-beta.1", "a pre-release by its exact version"],
    ["v2.0.0", "2.0.0", "an exact version written with a v"],
  ])("resolves %s to %s: %s", async (requested, resolved) => {
    const { secret } = await makeKey(people, world);
    const answer = await verify(secret, requested);
    expect(answer.allowed).toBe(true);
    expect(answer.version?.version).toBe(resolved);
  });

  it("refuses a retired version (version-retired), by exact version or when its whole major is retired", async () => {
    const { secret } = await makeKey(people, world);
    expect(await verify(secret, "1.0.0")).toEqual({
      allowed: false,
      reason: "version-retired",
      application: expect.objectContaining({ id: world.application.id }),
      subscription: expect.objectContaining({ id: world.subscription.id }),
      version: { version: "1.0.0", state: "RETIRED", sunsetAt: null, replacement: null },
    });
    expect(await verify(secret, "v0")).toMatchObject({ allowed: false, reason: "version-retired", version: { version: "0.9.0" } });
  });

  it.each([
    ["2.3.0", "a draft"],
    ["3.0.0", "a version in review"],
    ["v3", "a major with only a version in review"],
    ["9.9.9", "no such version"],
    ["latest", "not a version at all"],
  ])("does not find %s (%s)", async (version) => {
    const { secret } = await makeKey(people, world);
    const answer = await verify(secret, version);
    expect(answer).toMatchObject({ allowed: false, reason: "version-not-found", subscription: { id: world.subscription.id } });
    expect(answer).not.toHaveProperty("version");
  });

  it("refuses an API the application is not subscribed to, an unknown API, and a revoked subscription", async () => {
    const { secret } = await makeKey(people, world);
    const notSubscribed = { allowed: false, reason: "not-subscribed", application: { id: world.application.id, name: "Checkout", teamId: people.consumer.team.id } };
    expect(await verify(secret, "1.0.0", "ledger")).toEqual(notSubscribed);
    expect(await verify(secret, "1.0.0", "no-such-api")).toEqual(notSubscribed);

    await db.subscription.update({ where: { id: world.subscription.id }, data: { status: "REVOKED" } });
    expect(await verify(secret, "2.1.0")).toEqual(notSubscribed);
  });

  it("refuses every key of an archived application", async () => {
    const { secret } = await makeKey(people, world);
    await db.application.update({ where: { id: world.application.id }, data: { archivedAt: new Date() } });
    expect(await verify(secret)).toMatchObject({ allowed: false, reason: "application-archived", application: { id: world.application.id } });
  });

  it("refuses an expired key", async () => {
    const { key, secret } = await makeKey(people, world, { expiresInDays: 1 });
    await db.apiKey.update({ where: { id: key.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await verify(secret)).toMatchObject({ allowed: false, reason: "key-expired" });
  });

  it("refuses a well-formed key that does not exist, and tells nothing about any application", async () => {
    await makeKey(people, world);
    expect(await verify(generateKey())).toEqual({ allowed: false, reason: "unknown-key" });
    // The stored hash is not a key.
    expect(await verify((await db.apiKey.findFirstOrThrow({ select: { keyHash: true } })).keyHash)).toEqual({ allowed: false, reason: "invalid-key" });
  });

  describe("a key with a bad checksum", () => {
    let pool: pg.Pool;
    beforeEach(() => {
      // lib/db keeps one pool per process here; watch it (calls go through unchanged).
      pool = (globalThis as unknown as { porticoDb: { pool: pg.Pool } }).porticoDb.pool;
    });
    afterEach(() => vi.restoreAllMocks());

    it("is refused before the database is asked, even when a row has its hash", async () => {
      const { key, secret } = await makeKey(people, world);
      const mistyped = secret.slice(0, 20) + (secret[20] === "a" ? "b" : "a") + secret.slice(21);
      expect(hasValidChecksum(mistyped)).toBe(false);
      // Even a stored row with exactly this hash does not make it valid.
      await db.apiKey.update({ where: { id: key.id }, data: { keyHash: hashSecret(mistyped) } });

      const queries = vi.spyOn(pool, "query");
      const connections = vi.spyOn(pool, "connect");
      for (const candidate of [mistyped, "ptk_short", "", `${secret}x`, secret.replace("ptk_", "ptc_")]) {
        expect(await verify(candidate)).toEqual({ allowed: false, reason: "invalid-key" });
      }
      expect(queries).not.toHaveBeenCalled();
      expect(connections).not.toHaveBeenCalled();

      // The same watch sees the database asked for a well-formed key.
      await verify(generateKey());
      expect(queries).toHaveBeenCalled();
    });
  });

  it("never answers the key or its hash", async () => {
    const { secret } = await makeKey(people, world);
    for (const version of ["2.1.0", "1.0.0", "2.3.0"]) {
      const text = JSON.stringify(await verify(secret, version), (_key, value) => (typeof value === "bigint" ? value.toString() : value));
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(12));
      expect(text).not.toContain(hashSecret(secret));
    }
  });

  it("records lastUsedAt, at most once every 30 seconds, and not for a revoked key", async () => {
    const { key, secret } = await makeKey(people, world);
    const start = Date.now();
    await verify(secret);
    const first = (await storedKey(key.id)).lastUsedAt!;
    expect(first.getTime()).toBeGreaterThanOrEqual(start - 1000);

    await verify(secret);
    expect((await storedKey(key.id)).lastUsedAt).toEqual(first);

    const recent = new Date(Date.now() - 29_000);
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: recent } });
    await verify(secret);
    expect((await storedKey(key.id)).lastUsedAt).toEqual(recent);

    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(Date.now() - 31_000) } });
    const beforeUse = Date.now();
    await verify(secret);
    expect((await storedKey(key.id)).lastUsedAt!.getTime()).toBeGreaterThanOrEqual(beforeUse - 1000);

    const old = new Date(Date.now() - 3_600_000);
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: old, revokedAt: new Date() } });
    await verify(secret);
    expect((await storedKey(key.id)).lastUsedAt).toEqual(old);
  });
});

describe("gateway credentials", () => {
  it("a platform admin creates one (shown once, hash stored), lists, and revokes it, each recorded", async () => {
    const admin = people.platformAdmin;
    const { credential, secret } = await createGatewayCredential(admin.actor, { name: " eu-west gateways " });

    expect(secret.startsWith(GATEWAY_CREDENTIAL_PREFIX)).toBe(true);
    expect(credential).toMatchObject({ name: "eu-west gateways", prefix: secret.slice(0, GATEWAY_CREDENTIAL_PREFIX.length + 6), revokedAt: null, createdBy: { id: admin.id } });
    expect(credential).not.toHaveProperty("secretHash");
    expect((await db.gatewayCredential.findUniqueOrThrow({ where: { id: credential.id }, select: { secretHash: true } })).secretHash).toBe(hashSecret(secret));
    expect(JSON.stringify(await snapshotDatabase())).not.toContain(secret);
    const listed = await listGatewayCredentials(admin.actor);
    expect(listed.map((item) => item.id)).toEqual([credential.id]);
    expect(JSON.stringify(listed)).not.toContain("secretHash");

    expect(await authenticateGatewayCredential(secret)).toEqual({ id: credential.id, name: "eu-west gateways" });
    expect((await db.gatewayCredential.findUniqueOrThrow({ where: { id: credential.id } })).lastUsedAt).toBeInstanceOf(Date);

    await revokeGatewayCredential(admin.actor, credential.id);
    expect(await authenticateGatewayCredential(secret)).toBeNull();
    await expectAppError(revokeGatewayCredential(admin.actor, credential.id), 409, "gateway-credential-revoked");
    await expectAppError(revokeGatewayCredential(admin.actor, "no-such-credential"), 404);

    const events = await db.auditEvent.findMany({ where: { targetId: credential.id }, orderBy: { createdAt: "asc" } });
    expect(events.map((event) => [event.action, event.actorId, event.teamId])).toEqual([
      ["gateway_credential.created", admin.id, null],
      ["gateway_credential.revoked", admin.id, null],
    ]);
  });

  it("is for platform admins only: anyone else is refused and nothing changes", async () => {
    const { credential } = await createGatewayCredential(people.platformAdmin.actor, { name: "gw" });
    const before = await snapshotDatabase();
    for (const actor of [people.consumer.members.OWNER.actor, people.provider.actor]) {
      await expectAppError(createGatewayCredential(actor, { name: "mine" }), 403);
      await expectAppError(listGatewayCredentials(actor), 403);
      await expectAppError(revokeGatewayCredential(actor, credential.id), 403);
    }
    await expectAppError(createGatewayCredential(null, { name: "mine" }), 401);
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("authenticates nothing else: API keys, personal tokens, altered secrets", async () => {
    const { secret } = await createGatewayCredential(people.platformAdmin.actor, { name: "gw" });
    const apiKey = await makeKey(people, world);
    for (const candidate of [apiKey.secret, people.tokens.get(people.platformAdmin.id)!, `${secret}x`, secret.slice(0, -1), "ptc_gw_"]) {
      expect(await authenticateGatewayCredential(candidate)).toBeNull();
    }
  });
});
