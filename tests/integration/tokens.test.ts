import { beforeEach, describe, expect, it } from "vitest";
import { hashSecret } from "@/lib/crypto";
import {
  authenticatePersonalAccessToken,
  createPersonalAccessToken,
  listPersonalAccessTokens,
  revokePersonalAccessToken,
  TOKEN_PREFIX,
} from "@/lib/tokens/personal-access-tokens";
import { db, expectAppError, makePat, makeUser, resetDatabase, snapshotDatabase } from "./helpers";

beforeEach(resetDatabase);

async function storedToken(id: string) {
  return db.personalAccessToken.findUniqueOrThrow({ where: { id }, select: { tokenHash: true, prefix: true, lastUsedAt: true, revokedAt: true, expiresAt: true } });
}

describe("creating a personal access token", () => {
  it("shows the secret once and stores only its hash and a display prefix", async () => {
    const ada = await makeUser();

    const { token, secret } = await createPersonalAccessToken(ada.actor, { name: "  CI deploys ", expiresInDays: 30 });

    expect(secret.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(secret.length).toBeGreaterThanOrEqual(TOKEN_PREFIX.length + 43);
    expect(token).toMatchObject({ name: "CI deploys", prefix: secret.slice(0, TOKEN_PREFIX.length + 6), lastUsedAt: null, revokedAt: null });
    expect(token).not.toHaveProperty("tokenHash");
    const days = (token.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThanOrEqual(30);

    const row = await storedToken(token.id);
    expect(row.tokenHash).toBe(hashSecret(secret));
    // The secret is nowhere in the database: not in the token row, not in the audit log.
    const everything = JSON.stringify(await snapshotDatabase());
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(TOKEN_PREFIX.length + 6));
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "token.created" } })).toMatchObject({
      actorId: ada.id,
      targetId: token.id,
      after: { name: "CI deploys", prefix: token.prefix },
    });
  });

  it("gives every token its own secret", async () => {
    const ada = await makeUser();
    const one = await makePat(ada);
    const two = await makePat(ada);
    expect(one.secret).not.toBe(two.secret);
    expect((await listPersonalAccessTokens(ada.actor)).map((token) => token.id).sort()).toEqual([one.token.id, two.token.id].sort());
  });

  it("can make a token that never expires, and defaults to 90 days", async () => {
    const ada = await makeUser();
    expect((await makePat(ada, { expiresInDays: null })).token.expiresAt).toBeNull();
    const days = ((await makePat(ada)).token.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(90);
  });
});

describe("authenticating with a token", () => {
  it("answers the token's user", async () => {
    const ada = await makeUser({ platformRole: "ADMIN" });
    const { secret } = await makePat(ada);

    expect(await authenticatePersonalAccessToken(secret)).toEqual({ id: ada.id, email: ada.email, name: ada.name, platformRole: "ADMIN" });
  });

  it("refuses unknown, altered and prefix-less secrets", async () => {
    const ada = await makeUser();
    const { secret } = await makePat(ada);

    expect(await authenticatePersonalAccessToken(`${secret}x`)).toBeNull();
    expect(await authenticatePersonalAccessToken(secret.slice(0, -1))).toBeNull();
    expect(await authenticatePersonalAccessToken(`${TOKEN_PREFIX}${"A".repeat(43)}`)).toBeNull();
    expect(await authenticatePersonalAccessToken(secret.slice(TOKEN_PREFIX.length))).toBeNull();
    // The stored hash itself is not a credential.
    expect(await authenticatePersonalAccessToken((await db.personalAccessToken.findFirstOrThrow({ select: { tokenHash: true } })).tokenHash)).toBeNull();
  });

  it("refuses an expired token", async () => {
    const ada = await makeUser();
    const { token, secret } = await makePat(ada, { expiresInDays: 1 });
    await db.personalAccessToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });

    expect(await authenticatePersonalAccessToken(secret)).toBeNull();
    expect((await storedToken(token.id)).lastUsedAt).toBeNull();
  });

  it("refuses a token once it is revoked, and records the revocation", async () => {
    const ada = await makeUser();
    const { token, secret } = await makePat(ada);
    expect(await authenticatePersonalAccessToken(secret)).not.toBeNull();

    await revokePersonalAccessToken(ada.actor, token.id);

    expect(await authenticatePersonalAccessToken(secret)).toBeNull();
    expect((await storedToken(token.id)).revokedAt).toBeInstanceOf(Date);
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "token.revoked" } })).toMatchObject({ actorId: ada.id, targetId: token.id });
    await expectAppError(revokePersonalAccessToken(ada.actor, token.id), 404);
  });

  it("lets nobody else revoke or even see a user's token", async () => {
    const ada = await makeUser();
    const mallory = await makeUser({ platformRole: "ADMIN" });
    const { token, secret } = await makePat(ada);
    const before = await snapshotDatabase();

    await expectAppError(revokePersonalAccessToken(mallory.actor, token.id), 404);

    expect(await snapshotDatabase()).toEqual(before);
    expect(await listPersonalAccessTokens(mallory.actor)).toEqual([]);
    expect(await authenticatePersonalAccessToken(secret)).not.toBeNull();
  });

  it("records lastUsedAt, at most once every 30 seconds", async () => {
    const ada = await makeUser();
    const { token, secret } = await makePat(ada);

    const start = Date.now();
    await authenticatePersonalAccessToken(secret);
    const first = (await storedToken(token.id)).lastUsedAt!;
    expect(first.getTime()).toBeGreaterThanOrEqual(start - 5);

    // Used again right away: not written again.
    await authenticatePersonalAccessToken(secret);
    expect((await storedToken(token.id)).lastUsedAt).toEqual(first);

    // Last written 29 s ago: still within the resolution, not written.
    const recent = new Date(Date.now() - 29_000);
    await db.personalAccessToken.update({ where: { id: token.id }, data: { lastUsedAt: recent } });
    await authenticatePersonalAccessToken(secret);
    expect((await storedToken(token.id)).lastUsedAt).toEqual(recent);

    // Last written 31 s ago: written now.
    await db.personalAccessToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date(Date.now() - 31_000) } });
    const beforeUse = Date.now();
    await authenticatePersonalAccessToken(secret);
    expect((await storedToken(token.id)).lastUsedAt!.getTime()).toBeGreaterThanOrEqual(beforeUse - 5);
  });
});
