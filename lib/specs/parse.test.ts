import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { toProblem } from "@/lib/http/problem";
import { DEFAULT_MAX_SPEC_BYTES, locateInSource, maxSpecBytes, parseSpec, SpecError, type ParsedSpec } from "@/lib/specs/parse";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

/** The SpecError a parse throws (fails the test when it does not throw one). */
async function refusal(text: string, options?: Parameters<typeof parseSpec>[1]): Promise<SpecError> {
  try {
    await parseSpec(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return error as SpecError;
  }
  throw new Error("parseSpec accepted the document");
}

const minimal = (extra = "") => `openapi: 3.0.3\ninfo:\n  title: T\n  version: 1.0.0\npaths: {}\n${extra}`;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("parseSpec: accepted documents", () => {
  it("reads OpenAPI 3.0 YAML as it is", async () => {
    const text = fixture("petstore-3.0.yaml");
    const parsed = await parseSpec(text);
    expect(parsed).toMatchObject({ format: "yaml", sourceVersion: "3.0", converted: false, sourceText: text });
    expect(parsed.original).toBe(parsed.document);
    expect(parsed.document.openapi).toBe("3.0.3");
    expect(Object.keys(parsed.document.paths ?? {})).toEqual(["/pets", "/pets/{petId}"]);
    // Local references stay references: nothing is dereferenced.
    expect(parsed.document.paths?.["/pets"]?.post?.requestBody).toEqual({ required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } });
  });

  it("reads OpenAPI 3.1 JSON", async () => {
    const text = fixture("notes-3.1.json");
    const parsed = await parseSpec(text);
    expect(parsed).toMatchObject({ format: "json", sourceVersion: "3.1", converted: false, sourceText: text });
    expect(parsed.document).toEqual(JSON.parse(text));
  });

  it("converts Swagger 2.0 JSON to OpenAPI 3.0 and keeps the original", async () => {
    const text = fixture("swagger-2.0.json");
    const parsed = await parseSpec(text);
    expect(parsed).toMatchObject({ format: "json", sourceVersion: "2.0", converted: true, sourceText: text });
    expect(parsed.original).toEqual(JSON.parse(text));
    const document = parsed.document as unknown as Record<string, unknown>;
    expect(document.openapi).toBe("3.0.0");
    expect(document.swagger).toBeUndefined();
    expect(document.servers).toEqual([{ url: "https://legacy.example.org/api" }]);
    expect(document.components).toMatchObject({
      securitySchemes: { key: { type: "apiKey", in: "header", name: "X-Key" } },
      schemas: { Pet: { type: "object", required: ["name"], properties: { name: { type: "string" }, tag: { type: "string", nullable: true } } } },
    });
    expect(parsed.document.paths?.["/pets"]?.post).toEqual({
      operationId: "addPet",
      summary: "Add a pet",
      tags: ["pets"],
      requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } },
      responses: {
        "201": { description: "Created.", content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } },
        "400": { description: "Invalid pet." },
      },
    });
  });

  it("converts Swagger 2.0 YAML to the same document as the JSON", async () => {
    const fromYaml = await parseSpec(fixture("swagger-2.0.yaml"));
    const fromJson = await parseSpec(fixture("swagger-2.0.json"));
    expect(fromYaml).toMatchObject({ format: "yaml", sourceVersion: "2.0", converted: true });
    expect(fromYaml.document).toEqual(fromJson.document);
    expect(fromYaml.original).toEqual(fromJson.original);
  });

  it("accepts circular local references and leaves them as references", async () => {
    const parsed = await parseSpec(fixture("circular.yaml"));
    const schemas = parsed.document.components?.schemas as Record<string, { properties: Record<string, unknown> }>;
    expect(schemas.Node.properties.children).toEqual({ type: "array", items: { $ref: "#/components/schemas/Node" } });
    expect(schemas.Person.properties.favourite).toEqual({ $ref: "#/components/schemas/Node" });
    expect(() => JSON.stringify(parsed.document)).not.toThrow();
  });

  it("accepts a byte-order mark, and a few YAML aliases and merge keys", async () => {
    const parsed = await parseSpec("\uFEFF" + minimal("x-defaults: &defaults {a: 1}\nx-one:\n  <<: *defaults\n  b: 2\nx-two: *defaults\n"));
    expect(parsed.document).toMatchObject({ "x-one": { a: 1, b: 2 }, "x-two": { a: 1 } });
    const json = await parseSpec('\uFEFF{"openapi": "3.1.0", "info": {"title": "T", "version": "1.0.0"}, "paths": {}}');
    expect(json).toMatchObject({ format: "json", sourceVersion: "3.1" });
  });

  it("accepts a 13 MB document under the default limit", async () => {
    const text = JSON.stringify({ openapi: "3.0.3", info: { title: "Big", version: "1.0.0", description: "x".repeat(13 * 1024 * 1024) }, paths: {} });
    expect(maxSpecBytes()).toBe(DEFAULT_MAX_SPEC_BYTES);
    const parsed = await parseSpec(text);
    expect(parsed.sourceVersion).toBe("3.0");
  });
});

describe("parseSpec: syntax errors", () => {
  it("places malformed JSON at its line and column", async () => {
    const error = await refusal(fixture("malformed.json"));
    expect(error).toMatchObject({ kind: "validation", code: "spec-syntax", status: 422, message: "Invalid JSON: Expected double-quoted property name (line 6, column 3)." });
    expect(error.errors).toEqual([{ pointer: "", detail: "Invalid JSON: Expected double-quoted property name.", line: 6, column: 3 }]);
  });

  it("reports a JSON document that ends too early", async () => {
    const error = await refusal('{\n  "openapi": "3.0.3",\n  "info": {');
    expect(error.code).toBe("spec-syntax");
    expect(error.errors).toEqual([{ pointer: "", detail: "Invalid JSON: Expected property name or '}'.", line: 3, column: 11 }]);
  });

  it("places malformed YAML at its line and column, every problem", async () => {
    const error = await refusal(fixture("malformed.yaml"));
    expect(error).toMatchObject({ kind: "validation", code: "spec-syntax", status: 422 });
    expect(error.message).toBe("Invalid YAML: Implicit keys of flow sequence pairs need to be on a single line (line 7, column 11), and 1 more problem.");
    expect(error.errors).toEqual([
      { pointer: "", detail: "Invalid YAML: Implicit keys of flow sequence pairs need to be on a single line.", line: 7, column: 11 },
      { pointer: "", detail: "Invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ].", line: 9, column: 1 },
    ]);
  });

  it("refuses duplicate keys in YAML", async () => {
    const error = await refusal("openapi: 3.0.3\ninfo:\n  title: T\n  title: U\n  version: 1.0.0\npaths: {}\n");
    expect(error.errors).toEqual([{ pointer: "", detail: "Invalid YAML: Map keys must be unique.", line: 4, column: 3 }]);
  });

  it("refuses an empty document", async () => {
    const error = await refusal("  \n\n");
    expect(error).toMatchObject({ code: "spec-empty", errors: [{ pointer: "", detail: "The document is empty." }] });
  });
});

describe("parseSpec: limits", () => {
  it("refuses a document over maxBytes with 413", async () => {
    const text = fixture("petstore-3.0.yaml");
    const bytes = Buffer.byteLength(text);
    const error = await refusal(text, { maxBytes: 1000 });
    expect(error).toMatchObject({ kind: "payload-too-large", code: "spec-too-large", status: 413 });
    expect(error.errors).toEqual([{ pointer: "", detail: `The document is ${(bytes / 1024).toFixed(1)} KB (${bytes} bytes); the limit is 1000 bytes.` }]);
  });

  it("takes the limit from PORTICO_MAX_SPEC_BYTES, counting UTF-8 bytes", async () => {
    vi.stubEnv("PORTICO_MAX_SPEC_BYTES", "120");
    expect(maxSpecBytes()).toBe(120);
    const text = minimal(`x-note: "${"é".repeat(30)}"\n`); // 30 characters, 60 bytes
    expect(text.length).toBeLessThanOrEqual(120);
    const error = await refusal(text);
    expect(error.code).toBe("spec-too-large");
    vi.stubEnv("PORTICO_MAX_SPEC_BYTES", "not a number");
    expect(maxSpecBytes()).toBe(DEFAULT_MAX_SPEC_BYTES);
  });

  it("refuses a document over the default 20 MB", async () => {
    const text = JSON.stringify({ openapi: "3.0.3", info: { title: "Huge", version: "1.0.0", description: "x".repeat(DEFAULT_MAX_SPEC_BYTES) }, paths: {} });
    const error = await refusal(text);
    expect(error).toMatchObject({ code: "spec-too-large", status: 413 });
    expect(error.message).toBe(`The document is 20 MB (${Buffer.byteLength(text)} bytes); the limit is 20 MB (20971520 bytes).`);
  });

  it("refuses a YAML alias bomb quickly, without expanding it", async () => {
    const started = performance.now();
    const error = await refusal(fixture("billion-laughs.yaml"));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ kind: "validation", code: "spec-alias-bomb", status: 422 });
    expect(error.errors).toEqual([
      { pointer: "", detail: 'The YAML expands its aliases too many times (more than 100): this is how "billion laughs" documents exhaust memory, so it is refused.' },
    ]);
  });

  it("refuses a recursive YAML alias", async () => {
    const error = await refusal(minimal("x-loop: &loop\n  self: *loop\n"));
    expect(error).toMatchObject({ code: "spec-recursive-alias" });
    expect(error.errors).toEqual([{ pointer: "/x-loop/self", detail: expect.stringContaining("recursive alias"), line: 7, column: 3 }]);
  });

  it("refuses JSON nested deeper than the limit, at the first place too deep", async () => {
    const text = fixture("deep.json");
    const error = await refusal(text);
    const pointer = "/x-deep" + "/0".repeat(199);
    expect(error).toMatchObject({ kind: "validation", code: "spec-too-deep", message: "The document nests deeper than 200 levels of objects and arrays." });
    // Depth 1 is the top-level object, 2 the x-deep array: the 200th "[" below it is at depth 201.
    expect(error.errors).toEqual([{ pointer, detail: "The document nests deeper than 200 levels of objects and arrays.", line: 1, column: text.indexOf("[") + 200 }]);
  });

  it("refuses YAML nested deeper than the limit before parsing it", async () => {
    const error = await refusal(fixture("deep.yaml"));
    expect(error.code).toBe("spec-too-deep");
    // "x-deep: " then the 200th "[" (depth 201 with the top-level map).
    expect(error.errors).toEqual([{ pointer: "", detail: "The document nests deeper than 200 levels of objects and arrays.", line: 4, column: 208 }]);
  });

  it.each([
    ["flow sequences", "x: " + "[".repeat(200_000) + "]".repeat(200_000)],
    ["flow mappings", "x: " + "{a: ".repeat(200_000) + "1" + "}".repeat(200_000)],
    ["compact sequences", "x:\n" + "- ".repeat(200_000) + "y\n"],
    ["explicit keys", "x:\n" + "? ".repeat(200_000) + "y\n"],
  ])("refuses hostile YAML nesting (%s) in well under a second", async (_name, text) => {
    const started = performance.now();
    const error = await refusal(text);
    expect(error.code).toBe("spec-too-deep");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("honours maxDepth", async () => {
    const text = fixture("petstore-3.0.yaml");
    await expect(parseSpec(text, { maxDepth: 12 })).resolves.toMatchObject({ sourceVersion: "3.0" });
    const error = await refusal(text, { maxDepth: 5 });
    expect(error.code).toBe("spec-too-deep");
    expect(error.errors[0]).toMatchObject({ pointer: "" });
    const json = await refusal(JSON.stringify({ openapi: "3.0.3", info: { title: "T", version: "1" }, paths: { "/a": { get: { responses: {} } } } }), { maxDepth: 3 });
    expect(json.errors).toEqual([{ pointer: "/paths/~1a/get", detail: "The document nests deeper than 3 levels of objects and arrays.", line: 1, column: 70 }]);
  });
});

describe("parseSpec: references", () => {
  it("refuses every external $ref with its pointer and place, and fetches nothing", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const error = await refusal(fixture("external-refs.yaml"));
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(error).toMatchObject({ kind: "validation", code: "spec-external-ref", status: 422, message: 'The document has 5 external $refs. Only local references ("#/…") are accepted; nothing was fetched.' });
    expect(error.errors.map(({ pointer, line, column }) => ({ pointer, line, column }))).toEqual([
      { pointer: "/paths/~1metadata/get/responses/200/$ref", line: 10, column: 11 },
      { pointer: "/paths/~1passwd/get/responses/200/$ref", line: 15, column: 11 },
      { pointer: "/paths/~1remote/get/responses/200/$ref", line: 20, column: 11 },
      { pointer: "/paths/~1relative/get/responses/200/$ref", line: 25, column: 11 },
      { pointer: "/components/schemas/Parent/$ref", line: 33, column: 7 },
    ]);
    expect(error.errors[0].detail).toBe(
      'External reference "http://169.254.169.254/latest/meta-data/": Portico never fetches other documents or files. Only local references ("#/…") are accepted; bundle the document into one file first (for example with `redocly bundle`).',
    );
    expect(error.errors[1].detail).toContain('"file:///etc/passwd"');
  });

  it("refuses external $refs in JSON, and in Swagger 2.0 before converting", async () => {
    const text = JSON.stringify(
      { swagger: "2.0", info: { title: "T", version: "1.0.0" }, paths: { "/a": { get: { responses: { "200": { description: "ok", schema: { $ref: "other.json#/Thing" } } } } } } },
      null,
      2,
    );
    const error = await refusal(text);
    expect(error.code).toBe("spec-external-ref");
    expect(error.errors).toEqual([{ pointer: "/paths/~1a/get/responses/200/schema/$ref", detail: expect.stringContaining('"other.json#/Thing"'), line: 14, column: 15 }]);
  });

  it("takes a property named $ref (not a string) as a property", async () => {
    const parsed = await parseSpec(minimal("components:\n  schemas:\n    Odd:\n      type: object\n      properties:\n        $ref:\n          type: string\n"));
    expect(parsed.sourceVersion).toBe("3.0");
  });
});

describe("parseSpec: not OpenAPI", () => {
  it.each([
    ['{"name": "not a spec"}', "spec-not-openapi", "", 'This is not an OpenAPI or Swagger document: it has no "openapi" or "swagger" field.'],
    ["[1, 2, 3]", "spec-not-openapi", "", 'This is not an OpenAPI or Swagger document: its top level is a list, not an object with an "openapi" or "swagger" field.'],
    ["just some words", "spec-not-openapi", "", 'This is not an OpenAPI or Swagger document: its top level is a string, not an object with an "openapi" or "swagger" field.'],
    ["openapi: 3.2.0\ninfo: {title: T, version: 1.0.0}\npaths: {}\n", "spec-unsupported-version", "/openapi", "OpenAPI 3.2.0 is not supported. Portico accepts OpenAPI 3.0.x and 3.1.x, and Swagger 2.0."],
    ["openapi: 3.1\ninfo: {title: T, version: 1.0.0}\npaths: {}\n", "spec-unsupported-version", "/openapi", '"openapi" must be a string such as "3.1.0", not 3.1 (in YAML, quote it: openapi: "3.1.0").'],
    ['{"swagger": "1.2", "info": {}}', "spec-unsupported-version", "/swagger", 'Swagger "1.2" is not supported. Portico accepts Swagger 2.0, and OpenAPI 3.0.x and 3.1.x.'],
    ["swagger: 2.0\ninfo: {title: T, version: 1.0.0}\npaths: {}\n", "spec-unsupported-version", "/swagger", '"swagger" must be the string "2.0" (in YAML, quote it: swagger: "2.0").'],
  ])("refuses %j", async (text, code, pointer, detail) => {
    const error = await refusal(text);
    expect(error).toMatchObject({ kind: "validation", code, message: detail });
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]).toMatchObject({ pointer, detail });
  });

  it("places the version problem on its line", async () => {
    const error = await refusal("info: {title: T, version: 1.0.0}\nopenapi: 4.0.0\n");
    expect(error.errors).toEqual([{ pointer: "/openapi", detail: expect.any(String), line: 2, column: 1 }]);
  });

  it("reports a Swagger 2.0 document the converter cannot take", async () => {
    const parameter = { name: "ids", in: "query", type: "array", items: { type: "string" }, collectionFormat: "tsv" };
    vi.spyOn(console, "warn").mockImplementation(() => undefined); // the converter logs what it rejects
    const error = await refusal(JSON.stringify({ swagger: "2.0", info: { title: "T", version: "1.0.0" }, paths: { "/a": { get: { parameters: [parameter], responses: { "200": { description: "ok" } } } } } }));
    const detail = "This Swagger 2.0 document could not be converted to OpenAPI 3: collectionFormat:tsv is no longer supported";
    expect(error).toMatchObject({ kind: "validation", code: "spec-conversion", message: detail, errors: [{ pointer: "", detail }] });
  });
});

describe("SpecError as a problem document", () => {
  it("is an AppError with a stable type and the positions", async () => {
    const error = await refusal(fixture("malformed.json"));
    expect(error).toBeInstanceOf(AppError);
    expect(toProblem(error)).toEqual({
      type: "https://portico.dev/problems/spec-syntax",
      title: "Invalid input",
      status: 422,
      detail: "Invalid JSON: Expected double-quoted property name (line 6, column 3).",
      errors: [{ pointer: "", detail: "Invalid JSON: Expected double-quoted property name.", line: 6, column: 3 }],
    });
  });
});

describe("locateInSource", () => {
  it("places pointers in JSON and YAML sources, missing ones at their nearest ancestor", async () => {
    const yaml = await parseSpec(fixture("petstore-3.0.yaml"));
    expect(Object.fromEntries(locateInSource(yaml, ["/info/version", "/paths/~1pets/get/responses/200", "/paths/~1pets/get/nope", "/servers/0/url", ""]))).toEqual({
      "/info/version": { line: 4, column: 3 },
      "/paths/~1pets/get/responses/200": { line: 30, column: 9 },
      "/paths/~1pets/get/nope": { line: 18, column: 5 },
      "/servers/0/url": { line: 10, column: 5 },
      "": { line: 1, column: 1 },
    });
    const json = await parseSpec(fixture("notes-3.1.json"));
    expect(Object.fromEntries(locateInSource(json, ["/paths/~1notes~1{noteId}/get/operationId", "/components/schemas/Note/properties/color/type/1", "/info/x"]))).toEqual({
      "/paths/~1notes~1{noteId}/get/operationId": { line: 14, column: 9 },
      "/components/schemas/Note/properties/color/type/1": { line: 37, column: 41 },
      "/info/x": { line: 3, column: 3 },
    });
  });

  it("gives no positions for a converted document", async () => {
    const parsed: ParsedSpec = await parseSpec(fixture("swagger-2.0.json"));
    expect(locateInSource(parsed, ["/info"]).size).toBe(0);
  });
});
