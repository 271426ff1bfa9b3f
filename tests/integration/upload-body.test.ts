// POST /api/v1/apis/{slug}/versions with the document as the body itself
// (Content-Type: application/yaml or application/vnd.oai.openapi+json, the
// other fields as query parameters), how the route reads bodies (who may
// upload is settled before any of the body is read), Idempotency-Key on
// uploads, and uploadVersion as the page's server action calls it.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db, resetDatabase, snapshotDatabase } from "./helpers";
import { addedRows, changedTables, clearApis, createApi, expectProblem, makePeople, type CallResult, type People } from "./lifecycle-fixtures";
import { uploadVersion } from "@/lib/versions/upload";

// Nobody has a cookie session: callers use tokens.
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => null,
}));

import * as versionsRoute from "@/app/api/v1/apis/[slug]/versions/route";

type Handler = (request: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface UploadOptions {
  token?: string;
  contentType?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

async function post(slug: string, body: string | ReadableStream<Uint8Array>, options: UploadOptions = {}): Promise<CallResult> {
  const headers = new Headers({ "content-type": options.contentType ?? "application/yaml", ...options.headers });
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  const query = new URLSearchParams(options.query ?? {}).toString();
  const request = new Request(`http://localhost/api/v1/apis/${slug}/versions${query ? `?${query}` : ""}`, { method: "POST", headers, body, duplex: "half" } as RequestInit);
  const response = await (versionsRoute.POST as unknown as Handler)(request, { params: Promise.resolve({ slug }) });
  const text = await response.text();
  return { response, status: response.status, json: text ? JSON.parse(text) : null };
}

/** A body that starts and never ends: a route that reads it never answers. */
function endlessBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('openapi: "3.0.3"\ninfo:\n  title: Endless\n'));
    },
  });
}

/** Fails if the call has not answered within `ms`: proof that it did not wait for the body (or for an upload process). */
async function within<T>(ms: number, call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function refused(call: () => Promise<CallResult>): Promise<CallResult> {
  const before = await snapshotDatabase();
  const result = await call();
  expect(changedTables(before, await snapshotDatabase())).toEqual([]);
  return result;
}

const yamlDocument = (version: string) =>
  [
    'openapi: "3.0.3"',
    "info:",
    "  title: Billing",
    `  version: ${version}`,
    "paths:",
    "  /invoices:",
    "    get:",
    "      operationId: listInvoices",
    "      summary: List invoices",
    "      responses:",
    '        "200":',
    "          description: The invoices",
    "",
  ].join("\n");

let people: People;
let owner: string;
let slug: string;

beforeAll(async () => {
  await resetDatabase();
  people = await makePeople();
  owner = people.tokens.get(people.members.DEVELOPER.id)!;
});

beforeEach(async () => {
  await clearApis(people);
  slug = (await createApi(people, { slug: "billing", visibility: "PUBLIC", versions: [{ version: "1.0.0", state: "PUBLISHED" }] })).slug;
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the document as the body", () => {
  it("YAML with the fields as query parameters → 201; stored byte for byte, with its reports, one LifecycleEvent and one AuditEvent", async () => {
    const source = `\uFEFF${yamlDocument("1.9.0")}`;
    const before = await snapshotDatabase();
    const result = await post(slug, source, { token: owner, query: { version: "2.0.0", upstreamUrl: "https://billing.example.test/v2", changelog: "Invoices only." } });
    const after = await snapshotDatabase();
    expect(result.status).toBe(201);
    expect(result.response.headers.get("location")).toBe(`/api/v1/apis/${slug}/versions/2.0.0`);
    expect(result.response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(result.json).toMatchObject({ api: slug, version: "2.0.0", state: "DRAFT", lintReport: { errors: expect.any(Number), problems: expect.any(Array) }, changeReport: { againstVersion: "1.0.0" } });

    const stored = await db.apiVersion.findFirstOrThrow({ where: { api: { slug }, version: "2.0.0" }, include: { operations: true } });
    expect(stored.sourceDocument).toBe(source);
    expect(stored).toMatchObject({ sourceFormat: "yaml", upstreamUrl: "https://billing.example.test/v2", changelog: "Invoices only.", createdById: people.members.DEVELOPER.id });
    expect(stored.lintReport).toEqual(result.json.lintReport);
    expect(stored.changeReport).toEqual(result.json.changeReport);
    expect(stored.operations.map((operation) => `${operation.method} ${operation.path}`)).toEqual(["GET /invoices"]);
    expect(addedRows(before, after, "LifecycleEvent")).toEqual([expect.objectContaining({ versionId: stored.id, from: null, to: "DRAFT" })]);
    expect(addedRows(before, after, "AuditEvent")).toEqual([expect.objectContaining({ action: "version.uploaded", targetId: stored.id })]);
  });

  it("JSON as application/vnd.oai.openapi+json, the version from info.version → 201", async () => {
    const source = JSON.stringify({ openapi: "3.1.0", info: { title: "Billing", version: "2.1.0" }, paths: {} }, null, 2);
    const result = await post(slug, source, { token: owner, contentType: "application/vnd.oai.openapi+json" });
    expect(result.status).toBe(201);
    expect(result.json.version).toBe("2.1.0");
    const stored = await db.apiVersion.findFirstOrThrow({ where: { api: { slug }, version: "2.1.0" } });
    expect(stored.sourceDocument).toBe(source);
    expect(stored.sourceFormat).toBe("json");
  });

  it("refusals of the document are those of the JSON body: 422 spec-syntax with line and column, 409 for an existing version", async () => {
    const broken = await refused(() => post(slug, 'openapi: "3.0.3"\ninfo:\n  title: [unclosed\n  version: 2.0.0\npaths: {}\n', { token: owner }));
    expectProblem(broken, 422, "spec-syntax");
    expect(broken.json.errors).toEqual([expect.objectContaining({ pointer: "", line: 4, column: 3 })]);
    expectProblem(await refused(() => post(slug, yamlDocument("1.0.0"), { token: owner })), 409, "version-exists");
  });

  it("an empty body → 422 /source", async () => {
    const result = await refused(() => post(slug, "", { token: owner }));
    expectProblem(result, 422, "validation");
    expect(result.json.errors).toEqual([{ pointer: "/source", detail: expect.any(String) }]);
  });

  it("a bad query parameter → 422 with its pointer, before the body is read", async () => {
    const result = await refused(() => within(5_000, post(slug, endlessBody(), { token: owner, query: { upstreamUrl: "ftp://billing.example.test" } })));
    expectProblem(result, 422, "validation");
    expect(result.json.errors).toEqual([{ pointer: "/upstreamUrl", detail: expect.any(String) }]);
  });

  it("a form (multipart) body → 400 unsupported-media-type, before the body is read", async () => {
    const result = await refused(() => within(5_000, post(slug, endlessBody(), { token: owner, contentType: "multipart/form-data; boundary=x" })));
    expectProblem(result, 400, "unsupported-media-type");
    expect(result.json.detail).toMatch(/application\/yaml/);
  });

  describe("over the size limit", () => {
    const saved = process.env.PORTICO_MAX_SPEC_BYTES;
    beforeEach(() => {
      process.env.PORTICO_MAX_SPEC_BYTES = "2000";
    });
    afterEach(() => {
      if (saved === undefined) delete process.env.PORTICO_MAX_SPEC_BYTES;
      else process.env.PORTICO_MAX_SPEC_BYTES = saved;
    });

    it("a document body over PORTICO_MAX_SPEC_BYTES (not twice: nothing is escaped) → 413", async () => {
      const source = `${yamlDocument("2.0.0")}x-padding: ${"x".repeat(2000)}\n`;
      const result = await refused(() => post(slug, source, { token: owner }));
      expectProblem(result, 413, "payload-too-large");
      expect(result.json.detail).toMatch(/at most 2000 bytes/);
    });

    it("a body that goes on past the limit is refused without reading the rest", async () => {
      const chunk = new TextEncoder().encode(`# ${"x".repeat(998)}\n`);
      let pulled = 0;
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(chunk);
        },
      });
      const result = await refused(() => within(5_000, post(slug, endless, { token: owner })));
      expectProblem(result, 413, "payload-too-large");
      expect(pulled).toBeLessThan(10);
    });

    it("a declared Content-Length over the limit → 413 at once", async () => {
      const result = await refused(() => within(5_000, post(slug, endlessBody(), { token: owner, headers: { "content-length": "5000" } })));
      expectProblem(result, 413, "payload-too-large");
    });

    it("a document body at the limit is taken", async () => {
      const document = yamlDocument("2.0.0");
      const source = `${document}x-padding: ${"x".repeat(2000 - Buffer.byteLength(document) - "x-padding: \n".length)}\n`;
      expect(Buffer.byteLength(source)).toBe(2000);
      expect((await post(slug, source, { token: owner })).status).toBe(201);
    });
  });
});

describe("who may upload is settled before the body is read", () => {
  // Each body below never ends: an answer proves the route did not read it,
  // so no upload process was started for the caller.
  for (const contentType of ["application/yaml", "application/json"]) {
    describe(contentType, () => {
      it("a member of another team → 403", async () => {
        const result = await refused(() => within(5_000, post(slug, endlessBody(), { token: people.tokens.get(people.outsider.id), contentType })));
        expectProblem(result, 403, "forbidden");
      });

      it("a VIEWER of the owner team → 403", async () => {
        const result = await refused(() => within(5_000, post(slug, endlessBody(), { token: people.tokens.get(people.members.VIEWER.id), contentType })));
        expectProblem(result, 403, "forbidden");
      });

      it("another team's PRIVATE API → 404", async () => {
        const globex = await db.team.findUniqueOrThrow({ where: { slug: "globex" } });
        const hidden = (await createApi({ ...people, team: { ...people.team, id: globex.id } }, { slug: `globex-private-${contentType.split("/")[1]}`, visibility: "PRIVATE", versions: [{ version: "1.0.0", state: "PUBLISHED" }] })).slug;
        const result = await refused(() => within(5_000, post(hidden, endlessBody(), { token: owner, contentType })));
        expectProblem(result, 404, "not-found");
      });

      it("signed out → 401", async () => {
        const result = await refused(() => within(5_000, post(slug, endlessBody(), { contentType })));
        expectProblem(result, 401, "unauthenticated");
      });
    });
  }
});

describe("Idempotency-Key on uploads", () => {
  it("a retry with the same key and body replays the first answer and stores one version; another body with the key → 422", async () => {
    const headers = { "idempotency-key": "upload-once" };
    const first = await post(slug, yamlDocument("2.0.0"), { token: owner, headers });
    const retry = await post(slug, yamlDocument("2.0.0"), { token: owner, headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
    expect(retry.response.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.response.headers.get("location")).toBe(first.response.headers.get("location"));
    expect(await db.apiVersion.count({ where: { api: { slug }, version: "2.0.0" } })).toBe(1);

    expectProblem(await refused(() => post(slug, yamlDocument("2.0.1"), { token: owner, headers })), 422, "idempotency-key-reused");
    // The same document under other query parameters is another request.
    expectProblem(await refused(() => post(slug, yamlDocument("2.0.0"), { token: owner, headers, query: { version: "2.0.2" } })), 422, "idempotency-key-reused");
  });

  it("a refused first attempt does not stick: the JSON body retried after a fix goes through", async () => {
    const headers = { "idempotency-key": "upload-retry" };
    const body = JSON.stringify({ source: yamlDocument("1.0.0"), version: "2.0.0" });
    await db.apiVersion.updateMany({ where: { api: { slug } }, data: { version: "2.0.0", major: 2 } });
    expectProblem(await post(slug, body, { token: owner, headers, contentType: "application/json" }), 409, "version-exists");
    await db.apiVersion.updateMany({ where: { api: { slug } }, data: { version: "1.0.0", major: 1 } });
    const retry = await post(slug, body, { token: owner, headers, contentType: "application/json" });
    expect(retry.status).toBe(201);
    expect(retry.response.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("uploadVersion, as the page's server action calls it", () => {
  it("stores the version and answers its summary", async () => {
    const source = yamlDocument("2.0.0");
    const summary = await uploadVersion(people.members.DEVELOPER.actor, slug, { source, upstreamUrl: "", version: "" });
    expect(summary).toEqual({
      id: expect.any(String),
      api: slug,
      version: "2.0.0",
      state: "DRAFT",
      lint: { errors: expect.any(Number), warnings: expect.any(Number) },
      changes: { againstVersion: "1.0.0", breaking: expect.any(Number), nonBreaking: expect.any(Number), annotation: expect.any(Number) },
    });
    const stored = await db.apiVersion.findUniqueOrThrow({ where: { id: summary.id } });
    expect(stored.sourceDocument).toBe(source);
    expect((stored.lintReport as { errors: number }).errors).toBe(summary.lint.errors);
  });

  it("refuses a VIEWER (403) and an invalid field (422) without storing anything", async () => {
    const source = yamlDocument("2.0.0");
    const before = await snapshotDatabase();
    await expect(uploadVersion(people.members.VIEWER.actor, slug, { source })).rejects.toMatchObject({ kind: "forbidden" });
    await expect(uploadVersion(people.members.DEVELOPER.actor, slug, { source, upstreamUrl: "not a url" })).rejects.toThrow();
    await expect(uploadVersion(people.members.DEVELOPER.actor, slug, { source: "openapi: [" })).rejects.toMatchObject({ kind: "validation", code: "spec-syntax" });
    expect(changedTables(before, await snapshotDatabase())).toEqual([]);
  });
});
