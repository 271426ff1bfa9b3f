import { beforeEach, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { signUp } from "@/lib/users/sign-up";
import { verifyPassword } from "@/lib/auth/password";
import { authenticateWithPassword } from "@/lib/users/credentials";
import { db, expectAppError, resetDatabase, snapshotDatabase, TEST_PASSWORD } from "./helpers";

const input = (email: string, password = TEST_PASSWORD) => ({ name: "Ada Lovelace", email, password });

beforeEach(resetDatabase);

describe("signUp", () => {
  it("makes the first account platform ADMIN and later ones MEMBER", async () => {
    const first = await signUp(input("first@example.test"), "req-1");
    const second = await signUp(input("second@example.test"), "req-2");
    const third = await signUp(input("third@example.test"), "req-3");

    expect([first.platformRole, second.platformRole, third.platformRole]).toEqual(["ADMIN", "MEMBER", "MEMBER"]);
    const stored = await db.user.findMany({ select: { email: true, platformRole: true }, orderBy: { email: "asc" } });
    expect(stored).toEqual([
      { email: "first@example.test", platformRole: "ADMIN" },
      { email: "second@example.test", platformRole: "MEMBER" },
      { email: "third@example.test", platformRole: "MEMBER" },
    ]);
    const audit = await db.auditEvent.findMany({ where: { action: "user.signed_up" }, select: { actorId: true, targetId: true, requestId: true } });
    expect(audit).toHaveLength(3);
    expect(audit).toContainEqual({ actorId: first.id, targetId: first.id, requestId: "req-1" });
  });

  it("makes exactly one ADMIN when the first sign-ups arrive at the same time", async () => {
    const users = await Promise.all(["a", "b", "c", "d"].map((name) => signUp(input(`${name}@example.test`), null)));

    expect(users.filter((user) => user.platformRole === "ADMIN")).toHaveLength(1);
    expect(await db.user.count({ where: { platformRole: "ADMIN" } })).toBe(1);
    expect(await db.user.count({ where: { platformRole: "MEMBER" } })).toBe(3);
  });

  it("refuses a second account with the same email, whatever its case, as a 409 conflict", async () => {
    await signUp(input("taken@example.test"), null);
    const before = await snapshotDatabase();

    const error = await expectAppError(signUp(input("  TAKEN@Example.test "), null), 409, "email-taken");
    expect(error.kind).toBe("conflict");
    expect(await snapshotDatabase()).toEqual(before);
  });

  it("lets only one of two simultaneous sign-ups with one email through", async () => {
    const results = await Promise.allSettled([signUp(input("race@example.test"), null), signUp(input("race@example.test"), null)]);

    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((result) => result.status === "rejected");
    expect(rejected?.status === "rejected" && rejected.reason).toMatchObject({ status: 409, code: "email-taken" });
    expect(await db.user.count()).toBe(1);
    expect(await db.auditEvent.count()).toBe(1);
  });

  it("stores the password only as an argon2id hash", async () => {
    const user = await signUp(input("hash@example.test"), null);

    const { passwordHash } = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
    expect(passwordHash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(passwordHash).not.toContain(TEST_PASSWORD);
    expect(await verifyPassword(passwordHash!, TEST_PASSWORD)).toBe(true);
    expect(await verifyPassword(passwordHash!, `${TEST_PASSWORD}!`)).toBe(false);
    // The clear password is nowhere in the database, audit log included.
    expect(JSON.stringify(await snapshotDatabase())).not.toContain(TEST_PASSWORD);
    // And the default client never hands the hash out.
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).not.toHaveProperty("passwordHash");
  });

  it("signs the new user in with that password and no other", async () => {
    const user = await signUp(input("login@example.test"), null);

    expect(await authenticateWithPassword("LOGIN@example.test", TEST_PASSWORD)).toEqual({ id: user.id, email: "login@example.test", name: "Ada Lovelace" });
    expect(await authenticateWithPassword("login@example.test", "wrong password!")).toBeNull();
    expect(await authenticateWithPassword("nobody@example.test", TEST_PASSWORD)).toBeNull();
  });

  it("validates its input before touching the database", async () => {
    await expect(signUp(input("short@example.test", "short"), null)).rejects.toBeInstanceOf(ZodError);
    await expect(signUp(input("not-an-email"), null)).rejects.toBeInstanceOf(ZodError);
    expect(await db.user.count()).toBe(0);
  });
});
