import { describe, expect, it } from "vitest";
import { AppError, conflict, forbidden, isUniqueViolation, notFound, prismaErrorCode, unauthenticated, type ErrorKind } from "./errors";

const KINDS: [ErrorKind, number, string][] = [
  ["unauthenticated", 401, "Authentication required"],
  ["forbidden", 403, "Not allowed"],
  ["not-found", 404, "Not found"],
  ["conflict", 409, "Conflict"],
  ["validation", 422, "Invalid input"],
  ["payload-too-large", 413, "Payload too large"],
  ["rate-limited", 429, "Too many requests"],
  ["bad-request", 400, "Bad request"],
];

describe("AppError", () => {
  it.each(KINDS)("%s is a %i titled %j with a stable type URI", (kind, status, title) => {
    const error = new AppError(kind, "message");
    expect(error.status).toBe(status);
    expect(error.title).toBe(title);
    expect(error.type).toBe(`https://portico.dev/problems/${kind}`);
    expect(error.errors).toEqual([]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("AppError");
  });

  it("names its type after the precise code when it has one", () => {
    const error = new AppError("conflict", "m", { code: "last-owner" });
    expect(error.type).toBe("https://portico.dev/problems/last-owner");
    expect(error.status).toBe(409);
  });

  it("keeps field errors", () => {
    const errors = [{ pointer: "/name", detail: "Too short" }];
    expect(new AppError("validation", "m", { errors }).errors).toEqual(errors);
  });

  it("has shorthands for the common refusals", () => {
    expect([unauthenticated().status, forbidden().status, notFound("team").status, conflict("x").status]).toEqual([401, 403, 404, 409]);
    expect(notFound("team").message).toBe("No such team, or you may not see it.");
    expect(conflict("taken", "slug-taken").code).toBe("slug-taken");
  });
});

describe("prismaErrorCode", () => {
  it("recognises Prisma's P-codes only", () => {
    expect(prismaErrorCode({ code: "P2002" })).toBe("P2002");
    expect(prismaErrorCode(Object.assign(new Error("x"), { code: "P2025" }))).toBe("P2025");
    for (const value of [{ code: "23505" }, { code: "P20" }, { code: "XP2002" }, { code: 2002 }, "P2002", null, undefined, new Error("P2002")]) {
      expect(prismaErrorCode(value)).toBeUndefined();
    }
  });

  it("isUniqueViolation is P2002 only", () => {
    expect(isUniqueViolation({ code: "P2002" })).toBe(true);
    expect(isUniqueViolation({ code: "P2025" })).toBe(false);
    expect(isUniqueViolation(new Error("Unique constraint failed"))).toBe(false);
  });
});
