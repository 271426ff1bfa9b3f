import { afterEach, describe, expect, it, vi } from "vitest";
import { z, ZodError } from "zod";
import { AppError, conflict, forbidden, notFound, unauthenticated } from "@/lib/errors";
import { jsonPointer, PROBLEM_CONTENT_TYPE, toAppError, toProblem, zodToAppError } from "./problem";

afterEach(() => {
  vi.restoreAllMocks();
});

function zodError(schema: z.ZodType, value: unknown): ZodError {
  const result = schema.safeParse(value);
  if (result.success) throw new Error("expected the value not to validate");
  return result.error;
}

describe("jsonPointer", () => {
  it("points at the whole document with an empty path", () => {
    expect(jsonPointer([])).toBe("");
  });

  it("joins keys and indexes with slashes", () => {
    expect(jsonPointer(["a"])).toBe("/a");
    expect(jsonPointer(["a", "b", 0])).toBe("/a/b/0");
    expect(jsonPointer(["items", 12, "name"])).toBe("/items/12/name");
  });

  it("escapes ~ as ~0 and / as ~1 (RFC 6901), ~ first", () => {
    expect(jsonPointer(["a/b"])).toBe("/a~1b");
    expect(jsonPointer(["m~n"])).toBe("/m~0n");
    // "~1" literally must not turn into "/" when read back: "~" becomes "~0" first.
    expect(jsonPointer(["~1"])).toBe("/~01");
    expect(jsonPointer(["/~"])).toBe("/~1~0");
  });

  it("keeps empty keys and spaces", () => {
    expect(jsonPointer(["", "a b"])).toBe("//a b");
  });
});

describe("zodToAppError", () => {
  const schema = z.object({
    name: z.string().min(2),
    slug: z.string().regex(/^[a-z]+$/),
    tags: z.array(z.string()),
    "a/b": z.number(),
    nested: z.object({ deep: z.boolean() }),
  });

  it("is a 422 validation error with one pointer per invalid field", () => {
    const error = zodToAppError(zodError(schema, { name: "x", slug: "Not OK", tags: ["ok", 3], "a/b": "1", nested: { deep: "yes" } }));

    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(422);
    expect(error.kind).toBe("validation");
    expect(error.type).toBe("https://portico.dev/problems/validation");
    expect(error.errors.map((e) => e.pointer).sort()).toEqual(["/a~1b", "/name", "/nested/deep", "/slug", "/tags/1"]);
    for (const fieldError of error.errors) expect(fieldError.detail).toEqual(expect.any(String));
    expect(error.message.startsWith(`${error.errors[0].pointer}: `)).toBe(true);
  });

  it("names the body when the whole document is wrong", () => {
    const error = zodToAppError(zodError(schema, "not an object"));
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0].pointer).toBe("");
    expect(error.message.startsWith("body: ")).toBe(true);
  });

  it("keeps the schema's own messages", () => {
    const error = zodToAppError(zodError(z.object({ email: z.string().email("Enter a valid email address.") }), { email: "nope" }));
    expect(error.errors).toEqual([{ pointer: "/email", detail: "Enter a valid email address." }]);
  });
});

describe("toAppError", () => {
  it("passes AppErrors through unchanged", () => {
    for (const error of [notFound("team"), forbidden(), unauthenticated(), conflict("taken", "slug-taken")]) {
      expect(toAppError(error)).toBe(error);
    }
  });

  it("turns a ZodError into a 422 with pointers", () => {
    const error = toAppError(zodError(z.object({ role: z.enum(["A", "B"]) }), { role: "C" }));
    expect(error.status).toBe(422);
    expect(error.errors.map((e) => e.pointer)).toEqual(["/role"]);
  });

  it("maps Prisma's record-not-found to 404 and unique violations to 409, by code only", () => {
    const missing = toAppError(Object.assign(new Error("No record found for a delete in table Team: secret detail"), { code: "P2025" }));
    expect({ status: missing.status, message: missing.message }).toEqual({ status: 404, message: "No such resource, or you may not see it." });

    const duplicate = toAppError(Object.assign(new Error('Unique constraint failed on the fields: (`email`) "x@y"'), { code: "P2002" }));
    expect({ status: duplicate.status, code: duplicate.code, type: duplicate.type }).toEqual({ status: 409, code: "duplicate", type: "https://portico.dev/problems/duplicate" });
    expect(duplicate.message).not.toContain("email");
  });
});

describe("toProblem", () => {
  it("describes an AppError as RFC 9457 fields", () => {
    const problem = toProblem(forbidden("Your role does not allow this."), "req-1", "/api/v1/teams/acme");
    expect(problem).toEqual({
      type: "https://portico.dev/problems/forbidden",
      title: "Not allowed",
      status: 403,
      detail: "Your role does not allow this.",
      instance: "/api/v1/teams/acme",
      requestId: "req-1",
    });
    expect(problem).not.toHaveProperty("errors");
  });

  it("uses the precise code in the type when there is one", () => {
    expect(toProblem(conflict("Last owner.", "last-owner")).type).toBe("https://portico.dev/problems/last-owner");
  });

  it("carries field errors for invalid input", () => {
    const problem = toProblem(zodError(z.object({ name: z.string() }), {}), "req-2");
    expect(problem.status).toBe(422);
    expect(problem.errors).toEqual([{ pointer: "/name", detail: expect.any(String) }]);
  });

  it.each([
    ["an Error", new Error("connect ECONNREFUSED postgresql://portico:hunter2@db:5432/portico")],
    ["a TypeError", new TypeError("Cannot read properties of undefined (reading 'secretField')")],
    ["a string", "hunter2 leaked"],
    ["null", null],
    ["an object with a non-Prisma code", { code: "ECONNRESET", message: "hunter2" }],
    ["an unknown Prisma code", Object.assign(new Error("hunter2 in the query"), { code: "P1001" })],
  ])("answers %s as a generic 500 without its message", (_label, thrown) => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});

    const problem = toProblem(thrown, "req-500", "/api/v1/me");

    expect(problem.status).toBe(500);
    expect(problem.type).toBe("https://portico.dev/problems/internal");
    expect(problem.title).toBe("Internal error");
    expect(problem.detail).toContain("req-500");
    expect(problem).not.toHaveProperty("errors");
    const text = JSON.stringify(problem);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("secretField");
    expect(text).not.toContain("ECONNREFUSED");
    // It is logged for the operators instead, with the request id.
    expect(log).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ requestId: "req-500", error: thrown }));
  });

  it("problem documents are served as application/problem+json", () => {
    expect(PROBLEM_CONTENT_TYPE).toBe("application/problem+json");
  });
});
