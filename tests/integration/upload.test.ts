// Uploading a version through POST /api/v1/apis/{slug}/versions (issue 4,
// "Bad input"): every refusal answers a clear problem with a pointer (and the
// line and column where the parser knows them) and stores nothing; accepted
// uploads store the version with its lint and change reports, one
// LifecycleEvent and one AuditEvent.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Visibility } from "@/lib/generated/prisma/enums";
import type { OpenApiDocument } from "@/lib/specs/operations";
import { db, resetDatabase, snapshotDatabase } from "./helpers";
import { addedRows, changedTables, clearApis, createApi, makePeople, PROBLEMS, type CallResult, type People } from "./lifecycle-fixtures";

// Nobody has a cookie session unless a test says so: callers use tokens.
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (session.userId ? { user: { id: session.userId }, expires: new Date(Date.now() + 60_000).toISOString() } : null),
}));

import * as versionsRoute from "@/app/api/v1/apis/[slug]/versions/route";

type Handler = (request: Request, segment: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function upload(slug: string, body: unknown, options: { token?: string; rawBody?: string } = {}): Promise<CallResult> {
  const headers = new Headers({ "content-type": "application/json" });
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  const request = new Request(`http://localhost/api/v1/apis/${slug}/versions`, { method: "POST", headers, body: options.rawBody ?? JSON.stringify(body) });
  const response = await (versionsRoute.POST as unknown as Handler)(request, { params: Promise.resolve({ slug }) });
  const text = await response.text();
  return { response, status: response.status, json: text ? JSON.parse(text) : null };
}

function expectProblem(result: CallResult, status: number, type: string) {
  expect({ status: result.status, contentType: result.response.headers.get("content-type"), type: result.json?.type }).toEqual({
    status,
    contentType: "application/problem+json",
    type: `${PROBLEMS}/${type}`,
  });
  expect(result.json).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
}

const minimal = (version = "2.0.0", extra: Record<string, unknown> = {}) => ({
  openapi: "3.0.3",
  info: { title: "Upload test", version },
  paths: {},
  ...extra,
});

let people: People;
let owner: string;
let slug: string;

beforeAll(async () => {
  await resetDatabase();
  people = await makePeople();
  owner = people.tokens.get(people.members.DEVELOPER.id)!;
});

beforeEach(async () => {
  session.userId = null;
  await clearApis(people);
  // Every API of these tests has 1.0.0 PUBLISHED; uploads add 2.0.0 and up.
  slug = (await createApi(people, { slug: "billing", visibility: "PUBLIC", versions: [{ version: "1.0.0", state: "PUBLISHED" }] })).slug;
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Calls, and asserts that the database is exactly as before. */
async function refused(call: () => Promise<CallResult>): Promise<CallResult> {
  const before = await snapshotDatabase();
  const result = await call();
  expect(changedTables(before, await snapshotDatabase())).toEqual([]);
  return result;
}

describe("bad documents: a clear problem, nothing stored", () => {
  it("malformed JSON → 422 spec-syntax with line and column", async () => {
    const source = '{\n  "openapi": "3.0.3",\n  "info": { "title": "x", "version": "2.0.0" },,\n  "paths": {}\n}\n';
    const result = await refused(() => upload(slug, { source }, { token: owner }));
    expectProblem(result, 422, "spec-syntax");
    expect(result.json.errors).toEqual([{ pointer: "", detail: expect.stringMatching(/^Invalid JSON: /), line: 3, column: 48 }]);
    // Column 48 is the second comma.
    expect(result.json.detail).toMatch(/line 3, column 48/);
  });

  it("malformed YAML → 422 spec-syntax with line and column", async () => {
    const source = 'openapi: "3.0.3"\ninfo:\n  title: [unclosed\n  version: 2.0.0\npaths: {}\n';
    const result = await refused(() => upload(slug, { source }, { token: owner }));
    expectProblem(result, 422, "spec-syntax");
    // The unclosed "[" of line 3 is noticed where the next key starts.
    expect(result.json.errors).toEqual([{ pointer: "", detail: expect.stringMatching(/^Invalid YAML: Flow sequence .* end with a \]\.$/), line: 4, column: 3 }]);
    expect(result.json.detail).toMatch(/line 4, column 3/);
  });

  it("a YAML alias bomb (billion laughs) → 422 spec-alias-bomb, not expanded", async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level++) {
      const name = String.fromCharCode(97 + level);
      const previous = String.fromCharCode(96 + level);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(",")}]`);
    }
    const source = ['openapi: "3.0.3"', "info:", "  title: lol", "  version: 2.0.0", "paths: {}", "x-lol:", ...levels.map((line) => `  ${line}`)].join("\n");
    const started = performance.now();
    const result = await refused(() => upload(slug, { source }, { token: owner }));
    expect(performance.now() - started).toBeLessThan(5_000);
    expectProblem(result, 422, "spec-alias-bomb");
    expect(result.json.errors).toEqual([{ pointer: "", detail: expect.stringContaining("billion laughs") }]);
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

    it("a document over PORTICO_MAX_SPEC_BYTES → 413 spec-too-large", async () => {
      const source = JSON.stringify(minimal("2.0.0", { "x-padding": "x".repeat(2500) }));
      const result = await refused(() => upload(slug, { source }, { token: owner }));
      expectProblem(result, 413, "spec-too-large");
      expect(result.json.errors).toEqual([{ pointer: "", detail: expect.stringMatching(/the limit is 2 KB \(2000 bytes\)\.$/) }]);
    });

    it("a body over twice the limit is refused before parsing → 413", async () => {
      const source = JSON.stringify(minimal("2.0.0", { "x-padding": "x".repeat(5000) }));
      const result = await refused(() => upload(slug, { source }, { token: owner }));
      expectProblem(result, 413, "payload-too-large");
      expect(result.json.detail).toMatch(/at most 4000 bytes/);
    });

    it("a document under the limit is taken", async () => {
      const result = await upload(slug, { source: JSON.stringify(minimal("2.0.0")) }, { token: owner });
      expect(result.status).toBe(201);
    });
  });

  it("nesting deeper than the limit (200) → 422 spec-too-deep with the pointer", async () => {
    const depth = 250;
    const source = JSON.stringify(minimal("2.0.0", { "x-deep": JSON.parse("[".repeat(depth) + "]".repeat(depth)) }));
    const result = await refused(() => upload(slug, { source }, { token: owner }));
    expectProblem(result, 422, "spec-too-deep");
    // The root is level 1 and "x-deep" level 2: the 201st level is the 199th nested array.
    const pointer = "/x-deep" + "/0".repeat(199);
    expect(result.json.errors).toEqual([{ pointer, detail: expect.stringMatching(/deeper than 200 levels/), line: 1, column: expect.any(Number) }]);
  });

  it("deep YAML nesting → 422 spec-too-deep", async () => {
    const source = 'openapi: "3.0.3"\ninfo: { title: x, version: 2.0.0 }\npaths: {}\nx-deep: ' + "[".repeat(300) + "]".repeat(300) + "\n";
    const result = await refused(() => upload(slug, { source }, { token: owner }));
    expectProblem(result, 422, "spec-too-deep");
    expect(result.json.errors).toEqual([expect.objectContaining({ pointer: "", line: 4, column: expect.any(Number) })]);
  });

  it("external $refs → 422 spec-external-ref with the pointer (and place) of each; nothing is fetched", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const document = minimal("2.0.0", {
      paths: {
        "/meta": { get: { responses: { "200": { $ref: "http://169.254.169.254/latest/meta-data" } } } },
        "/passwd": { get: { responses: { "200": { description: "ok", content: { "text/plain": { schema: { $ref: "file:///etc/passwd" } } } } } } },
      },
      components: { schemas: { Other: { $ref: "https://other.example/x.json" }, Local: { $ref: "./local.yaml" } } },
    });
    const source = JSON.stringify(document, null, 2);
    const result = await refused(() => upload(slug, { source }, { token: owner }));
    expectProblem(result, 422, "spec-external-ref");
    const place = { line: expect.any(Number), column: expect.any(Number) };
    expect(result.json.errors).toEqual([
      { pointer: "/paths/~1meta/get/responses/200/$ref", detail: expect.stringContaining('"http://169.254.169.254/latest/meta-data"'), ...place },
      { pointer: "/paths/~1passwd/get/responses/200/content/text~1plain/schema/$ref", detail: expect.stringContaining('"file:///etc/passwd"'), ...place },
      { pointer: "/components/schemas/Other/$ref", detail: expect.stringContaining('"https://other.example/x.json"'), ...place },
      { pointer: "/components/schemas/Local/$ref", detail: expect.stringContaining('"./local.yaml"'), ...place },
    ]);
    // The line of each is the line of its "$ref" in the pretty-printed text.
    const lines = source.split("\n");
    for (const error of result.json.errors as { line: number; detail: string }[]) {
      const ref = /External reference ("[^"]+")/.exec(error.detail)![1];
      expect(lines[error.line - 1]).toContain(`"$ref": ${ref}`);
    }
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("a version that is not semver → 422 with the pointer /version", async () => {
    const result = await refused(() => upload(slug, { source: JSON.stringify(minimal("2.0.0")), version: "v2-beta" }, { token: owner }));
    expectProblem(result, 422, "validation");
    expect(result.json.errors).toEqual([{ pointer: "/version", detail: expect.any(String) }]);
  });

  it("info.version that is not semver (no explicit version) → 422 /version", async () => {
    const result = await refused(() => upload(slug, { source: JSON.stringify(minimal("latest")) }, { token: owner }));
    expectProblem(result, 422, "validation");
    expect(result.json.errors).toEqual([{ pointer: "/version", detail: expect.any(String) }]);
  });

  it("an existing version → 409 version-exists", async () => {
    const result = await refused(() => upload(slug, { source: JSON.stringify(minimal("1.0.0")) }, { token: owner }));
    expectProblem(result, 409, "version-exists");
  });

  it("a body that is not JSON → 400 malformed-json; no source → 422 /source", async () => {
    expectProblem(await refused(() => upload(slug, null, { token: owner, rawBody: "{source:" })), 400, "malformed-json");
    const missing = await refused(() => upload(slug, {}, { token: owner }));
    expectProblem(missing, 422, "validation");
    expect(missing.json.errors).toEqual([{ pointer: "/source", detail: expect.any(String) }]);
  });
});

describe("who may upload", () => {
  async function otherTeamApi(visibility: Visibility) {
    // An API of the outsider's team ("globex"), with a published version.
    const globex = await db.team.findUniqueOrThrow({ where: { slug: "globex" } });
    const created = await createApi({ ...people, team: { ...people.team, id: globex.id } }, { slug: `globex-${visibility.toLowerCase()}`, visibility, versions: [{ version: "1.0.0", state: "PUBLISHED" }] });
    return created.slug;
  }
  const source = JSON.stringify(minimal("2.0.0"));

  it("another team's INTERNAL API, by a signed-in non-member → 403 (visible, not theirs)", async () => {
    const internal = await otherTeamApi("INTERNAL");
    const token = people.tokens.get(people.members.DEVELOPER.id);
    expectProblem(await refused(() => upload(internal, { source }, { token })), 403, "forbidden");
    // The globex owner may.
    expect((await upload(internal, { source }, { token: people.tokens.get(people.outsider.id) })).status).toBe(201);
  });

  it("another team's PRIVATE API, by a signed-in non-member → 404", async () => {
    const hidden = await otherTeamApi("PRIVATE");
    expectProblem(await refused(() => upload(hidden, { source }, { token: owner })), 404, "not-found");
  });

  it("a member of another team on this team's API → 403", async () => {
    expectProblem(await refused(() => upload(slug, { source }, { token: people.tokens.get(people.outsider.id) })), 403, "forbidden");
  });

  it("a VIEWER of the owner team → 403", async () => {
    expectProblem(await refused(() => upload(slug, { source }, { token: people.tokens.get(people.members.VIEWER.id) })), 403, "forbidden");
  });

  it("signed out → 401", async () => {
    const result = await refused(() => upload(slug, { source }));
    expectProblem(result, 401, "unauthenticated");
    expect(result.response.headers.get("www-authenticate")).toBe('Bearer realm="portico"');
  });

  it("an unknown API → 404", async () => {
    expectProblem(await refused(() => upload("no-such-api", { source }, { token: owner })), 404, "not-found");
  });
});

describe("accepted uploads", () => {
  it("stores a DRAFT with lintReport and changeReport (a removed operation is breaking), one LifecycleEvent and one AuditEvent", async () => {
    const stored = await db.apiVersion.findFirstOrThrow({ where: { api: { slug }, version: "1.0.0" } });
    const next = structuredClone(stored.openapiDocument) as unknown as OpenApiDocument;
    const [removedPath] = Object.keys(next.paths ?? {});
    const removedMethods = Object.keys(next.paths![removedPath]!).filter((key) => ["get", "put", "post", "delete", "patch"].includes(key));
    delete next.paths![removedPath];
    next.info.version = "1.1.0";

    const before = await snapshotDatabase();
    const result = await upload(slug, { source: JSON.stringify(next, null, 2) }, { token: owner });
    const after = await snapshotDatabase();
    expect(result.status).toBe(201);
    expect(result.response.headers.get("location")).toBe(`/api/v1/apis/${slug}/versions/1.1.0`);
    expect(result.json).toMatchObject({ api: slug, version: "1.1.0", state: "DRAFT" });
    expect(result.json.lintReport).toMatchObject({ errors: expect.any(Number), warnings: expect.any(Number), problems: expect.any(Array) });
    expect(result.json.changeReport).toMatchObject({ againstVersion: "1.0.0", breaking: expect.any(Number) });
    expect(result.json.changeReport.breaking).toBeGreaterThanOrEqual(removedMethods.length);
    const removed = (result.json.changeReport.changes as { kind: string; rule: string; operation: string }[]).filter((change) => change.rule === "operation-removed");
    expect(removed.map((change) => change.kind)).toEqual(removedMethods.map(() => "breaking"));
    expect(removed.map((change) => change.operation).sort()).toEqual(removedMethods.map((method) => `${method.toUpperCase()} ${removedPath}`).sort());

    const versions = addedRows(before, after, "ApiVersion");
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: "1.1.0", state: "DRAFT", createdById: people.members.DEVELOPER.id });
    expect(versions[0].changeReport).toEqual(result.json.changeReport);
    const lifecycle = addedRows(before, after, "LifecycleEvent");
    expect(lifecycle).toEqual([expect.objectContaining({ versionId: versions[0].id, from: null, to: "DRAFT", actorId: people.members.DEVELOPER.id })]);
    const audit = addedRows(before, after, "AuditEvent");
    expect(audit).toEqual([expect.objectContaining({ action: "version.uploaded", teamId: people.team.id })]);
  });

  it("the change report is against the previous PUBLISHED version, not a newer DRAFT", async () => {
    await clearApis(people);
    slug = (await createApi(people, { slug: "billing", versions: [{ version: "1.0.0", state: "PUBLISHED" }, { version: "1.5.0", state: "DRAFT" }] })).slug;
    const result = await upload(slug, { source: JSON.stringify(minimal("2.0.0")) }, { token: owner });
    expect(result.status).toBe(201);
    expect(result.json.changeReport.againstVersion).toBe("1.0.0");
  });

  it("the first version has no change report to compare against", async () => {
    await clearApis(people);
    slug = (await createApi(people, { slug: "billing", versions: [] })).slug;
    const result = await upload(slug, { source: JSON.stringify(minimal("0.1.0")) }, { token: owner });
    expect(result.status).toBe(201);
    expect(result.json.changeReport).toEqual({ againstVersion: null, breaking: 0, nonBreaking: 0, annotation: 0, changes: [] });
  });

  it("a circular internal $ref → 201, and the version is stored", async () => {
    const document = minimal("2.0.0", {
      paths: { "/nodes": { get: { operationId: "listNodes", summary: "List nodes", responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Node" } } } } } } } },
      components: { schemas: { Node: { type: "object", properties: { name: { type: "string" }, next: { $ref: "#/components/schemas/Node" }, children: { type: "array", items: { $ref: "#/components/schemas/Node" } } } } } },
    });
    const source = JSON.stringify(document);
    const result = await upload(slug, { source }, { token: owner });
    expect(result.status).toBe(201);
    const stored = await db.apiVersion.findFirstOrThrow({ where: { api: { slug }, version: "2.0.0" }, include: { operations: true } });
    expect(stored.sourceDocument).toBe(source);
    expect(stored.openapiDocument).toEqual(document);
    expect(stored.operations.map((operation) => `${operation.method} ${operation.path}`)).toEqual(["GET /nodes"]);
  });

  it("a Swagger 2.0 document → 201; openapiDocument is its OpenAPI 3 conversion, sourceDocument the original text", async () => {
    const source = [
      'swagger: "2.0"',
      "info:",
      "  title: Pets",
      "  version: 2.1.0",
      "host: pets.example.test",
      "basePath: /v1",
      "schemes: [https]",
      "paths:",
      "  /pets/{id}:",
      "    get:",
      "      operationId: getPet",
      "      summary: Get a pet",
      "      produces: [application/json]",
      "      parameters:",
      "        - { name: id, in: path, required: true, type: string }",
      "      responses:",
      '        "200":',
      "          description: The pet",
      "          schema: { $ref: '#/definitions/Pet' }",
      "definitions:",
      "  Pet:",
      "    type: object",
      "    properties: { id: { type: string }, name: { type: string } }",
      "",
    ].join("\n");
    const result = await upload(slug, { source }, { token: owner });
    expect(result.status).toBe(201);
    expect(result.json.version).toBe("2.1.0");
    const stored = await db.apiVersion.findFirstOrThrow({ where: { api: { slug }, version: "2.1.0" } });
    expect(stored.sourceDocument).toBe(source);
    expect(stored.sourceFormat).toBe("yaml");
    const converted = stored.openapiDocument as unknown as OpenApiDocument & { swagger?: string; components?: { schemas?: Record<string, unknown> } };
    expect(converted.openapi).toMatch(/^3\.0\.\d+$/);
    expect(converted.swagger).toBeUndefined();
    expect(converted.servers).toEqual([{ url: "https://pets.example.test/v1" }]);
    expect(Object.keys(converted.components?.schemas ?? {})).toEqual(["Pet"]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "version.uploaded", targetId: result.json.id } });
    expect(audit.after).toMatchObject({ converted: true });
  });
});
