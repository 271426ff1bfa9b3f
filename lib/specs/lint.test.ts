import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createConfig } from "@redocly/openapi-core";
import YAML from "yaml";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LINT_ENGINE, lintSpec, PORTICO_RULES, STRUCTURAL_RULES, type LintProblem, type RuleSettings } from "@/lib/specs/lint";
import { parseSpec, type ParsedSpec } from "@/lib/specs/parse";

// Fixture documents are edited freely in these tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Editable = Record<string, any>;

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");
const parseFixture = (name: string) => parseSpec(fixture(name));

/** The petstore fixture with changes applied to a copy, as YAML. */
function petstore(change: (document: Editable) => void = () => undefined): string {
  const document = YAML.parse(fixture("petstore-3.0.yaml"));
  change(document);
  return YAML.stringify(document);
}

const brief = (problems: LintProblem[]) => problems.map(({ ruleId, severity, pointer }) => `${severity} ${ruleId} ${pointer}`);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("lintSpec: clean documents", () => {
  it.each(["petstore-3.0.yaml", "notes-3.1.json", "swagger-2.0.json", "swagger-2.0.yaml", "circular.yaml"])("finds nothing in %s", async (name) => {
    const report = await lintSpec(await parseFixture(name), {}, { context: { visibility: "PUBLIC" } });
    expect(report).toMatchObject({ errors: 0, warnings: 0, problems: [], engine: LINT_ENGINE });
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe("lintSpec: Portico's rules", () => {
  it("reports each broken rule where it is broken, with line and column", async () => {
    const report = await lintSpec(await parseFixture("portico-violations.yaml"), {}, { context: { visibility: "PUBLIC" } });
    expect(report.problems).toEqual([
      { ruleId: "no-http-servers-public", severity: "error", message: "This PUBLIC API lists a plain http:// server (http://pets.example.org): use https://.", pointer: "/servers/1/url", line: 10, column: 5 },
      { ruleId: "operation-operationId", severity: "error", message: "GET /pets has no operationId.", pointer: "/paths/~1pets/get/operationId", line: 16, column: 5 },
      { ruleId: "info-version-semver", severity: "warn", message: 'info.version "v1" is not a semantic version (like 1.4.0).', pointer: "/info/version", line: 4, column: 3 },
      {
        ruleId: "security-defined",
        severity: "warn",
        message: "GET /pets is not covered by any security scheme: add `security` to it or at the top level (`security: []` marks it public on purpose).",
        pointer: "/paths/~1pets/get",
        line: 16,
        column: 5,
      },
      {
        ruleId: "security-defined",
        severity: "warn",
        message: "POST /pets is not covered by any security scheme: add `security` to it or at the top level (`security: []` marks it public on purpose).",
        pointer: "/paths/~1pets/post",
        line: 24,
        column: 5,
      },
      { ruleId: "operation-summary", severity: "warn", message: "POST /pets has no summary.", pointer: "/paths/~1pets/post/summary", line: 24, column: 5 },
      {
        ruleId: "security-defined",
        severity: "warn",
        message: 'The security requirement names "oauth", which is not declared in components.securitySchemes.',
        pointer: "/paths/~1pets~1{petId}/get/security/1/oauth",
        line: 45,
        column: 11,
      },
      {
        ruleId: "operation-2xx-response-schema",
        severity: "warn",
        message: "The 200 response's application/json content has no schema (for a file, use type: string, format: binary).",
        pointer: "/paths/~1pets~1{petId}/get/responses/200/content/application~1json",
        line: 50,
        column: 13,
      },
      // A shared response is reported once, where it is defined, however many operations use it.
      {
        ruleId: "operation-2xx-response-schema",
        severity: "warn",
        message: "The 200 response's text/csv content has no schema (for a file, use type: string, format: binary).",
        pointer: "/components/responses/PetList/content/text~1csv",
        line: 78,
        column: 9,
      },
    ]);
    expect(report).toMatchObject({ errors: 2, warnings: 7 });
  });

  it("applies no-http-servers-public to PUBLIC APIs only, and never to loopback servers", async () => {
    const parsed = await parseFixture("portico-violations.yaml");
    for (const options of [{ context: { visibility: "INTERNAL" as const } }, { context: { visibility: "PRIVATE" as const } }, {}]) {
      const report = await lintSpec(parsed, {}, options);
      expect(report.problems.filter((problem) => problem.ruleId === "no-http-servers-public")).toEqual([]);
    }
    // The shorthand option works too.
    expect(brief((await lintSpec(parsed, {}, { visibility: "PUBLIC" })).problems)).toContain("error no-http-servers-public /servers/1/url");

    const loopback = await parseSpec(petstore((document) => (document.servers = [{ url: "http://localhost:8080" }, { url: "http://127.0.0.1" }, { url: "HTTP://api.example.net/v1" }])));
    const report = await lintSpec(loopback, { "no-server-example.com": "off" }, { context: { visibility: "PUBLIC" } });
    expect(brief(report.problems)).toEqual(["error no-http-servers-public /servers/2/url"]);
  });

  it("says when no security scheme is declared at all, once", async () => {
    const parsed = await parseSpec(
      petstore((document) => {
        delete document.security;
        delete document.components.securitySchemes;
      }),
    );
    const report = await lintSpec(parsed, {});
    expect(report.problems).toEqual([
      {
        ruleId: "security-defined",
        severity: "warn",
        message: "No security scheme is declared: add one under components.securitySchemes and require it with `security`.",
        pointer: "/components",
        line: 90,
        column: 1,
      },
    ]);
  });

  it("takes a top-level requirement as covering every operation, and an empty one as covering none", async () => {
    expect((await lintSpec(await parseFixture("petstore-3.0.yaml"), {})).problems).toEqual([]);
    const parsed = await parseSpec(petstore((document) => (document.security = [])));
    expect(brief((await lintSpec(parsed, {})).problems)).toEqual([
      "warn security-defined /paths/~1pets/get",
      "warn security-defined /paths/~1pets/post",
      "warn security-defined /paths/~1pets~1{petId}/get",
      "warn security-defined /paths/~1pets~1{petId}/delete",
      "warn no-unused-components /components/securitySchemes/apiKey",
    ]);
  });

  it("checks operations of OpenAPI 3.1 JSON, with positions", async () => {
    const document = JSON.parse(fixture("notes-3.1.json"));
    delete document.paths["/notes/{noteId}"].get.operationId;
    document.info.version = "2023-10";
    const report = await lintSpec(await parseSpec(JSON.stringify(document, null, 2)), {});
    expect(report.problems).toEqual([
      { ruleId: "operation-operationId", severity: "error", message: "GET /notes/{noteId} has no operationId.", pointer: "/paths/~1notes~1{noteId}/get/operationId", line: 29, column: 7 },
      { ruleId: "info-version-semver", severity: "warn", message: 'info.version "2023-10" is not a semantic version (like 1.4.0).', pointer: "/info/version", line: 5, column: 5 },
    ]);
  });
});

describe("lintSpec: settings", () => {
  it("switches rules off and changes their severity; unknown ids and values are ignored", async () => {
    const parsed = await parseFixture("portico-violations.yaml");
    const settings: RuleSettings = {
      "no-http-servers-public": "off",
      "operation-operationId": "warn",
      "info-version-semver": "error",
      "security-defined": "off",
      "operation-2xx-response-schema": "off",
      "no-such-rule": "error",
      "operation-summary": "loud" as never,
    };
    const report = await lintSpec(parsed, settings, { context: { visibility: "PUBLIC" } });
    expect(brief(report.problems)).toEqual(["error info-version-semver /info/version", "warn operation-operationId /paths/~1pets/get/operationId", "warn operation-summary /paths/~1pets/post/summary"]);
    expect(report).toMatchObject({ errors: 1, warnings: 2 });
  });

  it("switches Redocly's rules on and off", async () => {
    const parsed = await parseFixture("petstore-3.0.yaml");
    const report = await lintSpec(parsed, { "info-contact": "error", "operation-description": "warn" });
    expect(brief(report.problems)).toEqual([
      "error info-contact /info/contact",
      "warn operation-description /paths/~1pets/get/description",
      "warn operation-description /paths/~1pets/post/description",
      "warn operation-description /paths/~1pets~1{petId}/get/description",
      "warn operation-description /paths/~1pets~1{petId}/delete/description",
    ]);
    const without4xx = await parseSpec(petstore((document) => delete document.paths["/pets"].get.responses["400"]));
    expect(brief((await lintSpec(without4xx, {})).problems)).toEqual(["warn operation-4xx-response /paths/~1pets/get/responses"]);
    expect((await lintSpec(without4xx, { "operation-4xx-response": "off" })).problems).toEqual([]);
  });

  it("runs with every offered rule switched on", async () => {
    const everything = Object.fromEntries(PORTICO_RULES.map((rule) => [rule.id, "error" as const]));
    for (const name of ["petstore-3.0.yaml", "notes-3.1.json", "circular.yaml", "portico-violations.yaml"]) {
      const report = await lintSpec(await parseFixture(name), everything, { context: { visibility: "PUBLIC" } });
      expect(report.warnings).toBe(0);
      expect(report.errors).toBe(report.problems.length);
    }
  });
});

describe("lintSpec: structure", () => {
  it("reports structural problems as errors, whatever the settings say", async () => {
    const parsed = await parseSpec(
      petstore((document) => {
        document.paths["/pets"].get.responses["200"].description = 42;
        document.paths["/pets"].get.parameters[0].in = "body";
        document.paths["/pets"].post.requestBody.content["application/json"].schema.$ref = "#/components/schemas/Missing";
      }),
    );
    const report = await lintSpec(parsed, { struct: "off", "no-unresolved-refs": "warn" } as RuleSettings);
    expect(report.problems).toEqual([
      { ruleId: "struct", severity: "error", message: "`in` can be one of the following only: \"query\", \"header\", \"path\", \"cookie\".", pointer: "/paths/~1pets/get/parameters/0/in", line: 25, column: 11 },
      { ruleId: "struct", severity: "error", message: "Expected type `string` but got `integer`.", pointer: "/paths/~1pets/get/responses/200/description", line: 32, column: 11 },
      { ruleId: "no-unresolved-refs", severity: "error", message: "Can't resolve $ref", pointer: "/paths/~1pets/post/requestBody/content/application~1json/schema", line: 50, column: 13 },
    ]);
    expect(report).toMatchObject({ errors: 3, warnings: 0 });
  });

  it("gives converted Swagger 2.0 problems pointers into the conversion, without positions", async () => {
    const document = JSON.parse(fixture("swagger-2.0.json"));
    delete document.paths["/pets"].post.summary;
    const report = await lintSpec(await parseSpec(JSON.stringify(document)), {});
    expect(report.problems).toEqual([{ ruleId: "operation-summary", severity: "warn", message: "POST /pets has no summary.", pointer: "/paths/~1pets/post/summary" }]);
  });

  it("never loads an external reference, even one that parseSpec did not see", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const parsed = await parseFixture("petstore-3.0.yaml");
    const document = structuredClone(parsed.document) as unknown as Editable;
    document.paths["/pets"].get.responses["200"] = { $ref: "http://169.254.169.254/latest/meta-data/" };
    document.components.schemas.Pet.properties.owner = { $ref: "file:///etc/passwd" };
    const forged: ParsedSpec = { ...parsed, document: document as never, original: document, converted: true };
    const report = await lintSpec(forged, {});
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(report.problems).toEqual([
      { ruleId: "no-unresolved-refs", severity: "error", message: expect.stringContaining("Portico never fetches other documents"), pointer: "/components/schemas/Pet/properties/owner" },
      { ruleId: "no-unresolved-refs", severity: "error", message: expect.stringContaining("Portico never fetches other documents"), pointer: "/paths/~1pets/get/responses/200" },
    ]);
  });
});

describe("PORTICO_RULES", () => {
  it("offers each rule once, with a description and a valid default", () => {
    const ids = PORTICO_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of PORTICO_RULES) {
      expect(rule.description.length).toBeGreaterThan(10);
      expect(["error", "warn", "off"]).toContain(rule.defaultSeverity);
    }
    expect(PORTICO_RULES.filter((rule) => rule.source === "portico").map((rule) => rule.id)).toEqual([
      "operation-operationId",
      "operation-summary",
      "security-defined",
      "operation-2xx-response-schema",
      "info-version-semver",
      "no-http-servers-public",
    ]);
    for (const id of STRUCTURAL_RULES) expect(ids).not.toContain(id);
  });

  it("matches Redocly's recommended ruleset: every rule offered or deliberately left out, at its severity", async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const recommended = new Map<string, string>();
    for (const version of ["oas3_0", "oas3_1"] as const) {
      for (const [id, setting] of Object.entries(config.rules[version] ?? {})) {
        recommended.set(id, typeof setting === "string" ? setting : (setting as { severity: string }).severity);
      }
    }
    const notOffered = new Set(["request-mime-type", "response-mime-type", "response-contains-header", "response-contains-property", "path-params-defined"]);
    const porticoIds = new Set(PORTICO_RULES.filter((rule) => rule.source === "portico").map((rule) => rule.id));
    for (const [id, severity] of recommended) {
      if (notOffered.has(id) || (STRUCTURAL_RULES as readonly string[]).includes(id) || porticoIds.has(id)) continue;
      expect(PORTICO_RULES.find((rule) => rule.id === id), id).toMatchObject({ source: "redocly", defaultSeverity: severity });
    }
    for (const rule of PORTICO_RULES.filter((rule) => rule.source === "redocly")) expect(recommended.has(rule.id), rule.id).toBe(true);
  });

  it("names the installed engine", () => {
    const installed = JSON.parse(readFileSync(join(process.cwd(), "node_modules/@redocly/openapi-core/package.json"), "utf8")) as { version: string };
    expect(LINT_ENGINE).toBe(`@redocly/openapi-core@${installed.version}`);
  });
});
