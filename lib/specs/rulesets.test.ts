import { readFileSync } from "node:fs";
import { join } from "node:path";
import { JSONPath } from "jsonpath-plus";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { lintSpec, PORTICO_RULES } from "@/lib/specs/lint";
import { parseSpec } from "@/lib/specs/parse";
import { evaluateRulesets, parseRuleset, type RulesetImport, type RulesetProblem } from "@/lib/specs/rulesets";
import { queryPath } from "@/lib/specs/rulesets-jsonpath";
import { unsafeRegexReason } from "@/lib/specs/rulesets-regex";
import { mapSpectralOasOverride, SPECTRAL_OAS_MAPPING } from "@/lib/specs/rulesets-spectral-oas";

// Documents are edited freely in these tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Editable = Record<string, any>;

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

/** A small OpenAPI 3.0 document with changes applied, as YAML. */
function openapi(change: (document: Editable) => void = () => undefined): string {
  const document: Editable = {
    openapi: "3.0.3",
    info: { title: "Lockers", version: "1.0.0", contact: { name: "Lockers team", email: "lockers@acme.example" } },
    tags: [{ name: "lockers" }, { name: "openings" }],
    paths: {
      "/lockers": {
        get: { operationId: "listLockers", summary: "List lockers", tags: ["lockers"], responses: { "200": { $ref: "#/components/responses/LockerList" } } },
      },
      "/lockers/{lockerId}/open": {
        post: { operationId: "openLocker", summary: "Open a locker", tags: ["openings"], parameters: [{ name: "lockerId", in: "path", required: true, schema: { type: "string" } }], responses: { "204": { description: "Opened." } } },
      },
    },
    components: {
      responses: { LockerList: { description: "Lockers.", content: { "application/json": { schema: { $ref: "#/components/schemas/Lockers" } } } } },
      schemas: { Lockers: { type: "array", items: { $ref: "#/components/schemas/Locker" } }, Locker: { type: "object", properties: { id: { type: "string" }, size: { type: "string", enum: ["S", "M", "L"] } } } },
    },
  };
  change(document);
  return YAML.stringify(document);
}

function read(ruleset: string, name = "acme"): RulesetImport {
  return parseRuleset(ruleset, { name });
}

async function run(ruleset: string, document: string = openapi(), name = "acme"): Promise<RulesetProblem[]> {
  const imported = read(ruleset, name);
  return evaluateRulesets(await parseSpec(document), [imported.definition]);
}

const brief = (problems: RulesetProblem[]) => problems.map(({ ruleId, severity, pointer, message }) => `${severity} ${ruleId} ${pointer} ${message}`);
const at = (problems: RulesetProblem[]) => problems.map((problem) => problem.pointer);

/** A ruleset with one rule. */
const rule = (definition: Editable) => YAML.stringify({ rules: { r: definition } });

function refusal(call: () => unknown): AppError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected a refusal");
}

const item = (imported: RulesetImport, status: string, pointer: string) => imported.items.find((entry) => entry.status === status && entry.pointer === pointer);

// ---------------------------------------------------------------------------

describe("parseRuleset: the text", () => {
  it("reads YAML and JSON alike", () => {
    const yaml = read(rule({ given: "$.info", then: { field: "contact", function: "truthy" } }));
    const json = read(JSON.stringify({ rules: { r: { given: "$.info", then: { field: "contact", function: "truthy" } } } }, null, 2));
    expect(json.definition).toEqual(yaml.definition);
    expect(yaml.format).toBe("yaml");
    expect(json.format).toBe("json");
    expect(yaml.definition).toEqual({ name: "acme", rules: [{ name: "r", severity: "warn", given: ["$.info"], then: [{ field: "contact", function: "truthy" }], resolved: true }], builtinOverrides: {} });
  });

  it("refuses bad YAML with the line and column of the problem", () => {
    const error = refusal(() => read("rules:\n  r:\n    given: [unclosed\n    then:\n      function: truthy\n"));
    expect(error).toMatchObject({ kind: "validation", code: "ruleset-syntax" });
    expect(error.message).toMatch(/^Invalid YAML: .*\(line 4, column 5\)/);
    expect(error.errors[0]).toMatchObject({ pointer: "", line: 4, column: 5 });
  });

  it("refuses bad JSON with the line and column of the problem", () => {
    const error = refusal(() => read('{\n  "rules": {\n    "r": { "given" "$" }\n  }\n}\n'));
    expect(error).toMatchObject({ code: "ruleset-syntax" });
    expect(error.message).toMatch(/^Invalid JSON: .*\(line 3, column \d+\)/);
    expect(error.errors[0]).toMatchObject({ pointer: "", line: 3 });
  });

  it("refuses duplicate keys", () => {
    expect(refusal(() => read("rules:\n  r: off\n  r: warn\n"))).toMatchObject({ code: "ruleset-syntax" });
  });

  it("refuses a YAML alias bomb without expanding it", () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level++) levels.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9).fill(`*${String.fromCharCode(96 + level)}`).join(",")}]`);
    const started = performance.now();
    const error = refusal(() => read(["rules: {}", "x-lol:", ...levels.map((line) => `  ${line}`)].join("\n")));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({ code: "ruleset-alias-bomb" });
    expect(error.message).toContain("billion laughs");
  });

  it("refuses JavaScript rulesets, by content or by file name, without running anything", () => {
    for (const source of [
      'const { oas } = require("@stoplight/spectral-rulesets");\nmodule.exports = { extends: [oas], rules: {} };\n',
      'import { truthy } from "@stoplight/spectral-functions";\nexport default { rules: {} };\n',
      "// our ruleset\nexport default {\n  rules: {},\n};\n",
    ]) {
      expect(refusal(() => read(source))).toMatchObject({ code: "ruleset-javascript" });
    }
    expect(refusal(() => parseRuleset("rules: {}\n", { name: "acme", fileName: "spectral.mjs" }))).toMatchObject({ code: "ruleset-javascript" });
  });

  it("refuses what is not a ruleset, too large or too deep, and bad names", () => {
    expect(refusal(() => read("   \n"))).toMatchObject({ code: "ruleset-empty" });
    expect(refusal(() => read("- a\n- b\n"))).toMatchObject({ code: "ruleset-not-a-ruleset" });
    expect(refusal(() => read("openapi: 3.0.0\n"))).toMatchObject({ code: "ruleset-not-a-ruleset" });
    expect(refusal(() => read(`rules: {}\nx: "${"a".repeat(600 * 1024)}"\n`))).toMatchObject({ kind: "payload-too-large", code: "ruleset-too-large" });
    expect(refusal(() => read(`rules: ${"[".repeat(100)}${"]".repeat(100)}\n`))).toMatchObject({ code: "ruleset-too-deep" });
    for (const name of ["", "Acme", "acme style", "-acme", "a".repeat(65), "acme/style"]) {
      expect(refusal(() => parseRuleset("rules: {}\n", { name }))).toMatchObject({ kind: "validation", errors: [{ pointer: "/name" }] });
    }
  });
});

describe("parseRuleset: accepted, mapped, ignored, refused", () => {
  it("refuses custom functions and the rules that use them, and keeps the rest", () => {
    const imported = read(
      [
        "functions: [isAcmeId]",
        "functionsDir: ./functions",
        "rules:",
        "  ids:",
        "    given: $.paths[*][*]",
        "    then:",
        "      field: operationId",
        "      function: isAcmeId",
        "  contact:",
        "    given: $.info",
        "    then:",
        "      field: contact",
        "      function: truthy",
        "",
      ].join("\n"),
    );
    expect(imported.definition.rules.map((entry) => entry.name)).toEqual(["contact"]);
    expect(imported.items).toEqual([
      { status: "refused", subject: "functions", pointer: "/functions", line: 1, column: 1, detail: expect.stringContaining('Custom functions ("isAcmeId") are refused: Portico never runs code') },
      { status: "refused", subject: "functionsDir", pointer: "/functionsDir", line: 2, column: 1, detail: expect.stringContaining("never runs code") },
      { status: "refused", subject: "ids", pointer: "/rules/ids/then/function", line: 8, column: 7, detail: '"isAcmeId" is a custom function: refused, Portico never runs code from a ruleset.' },
      { status: "accepted", subject: "contact", pointer: "/rules/contact", line: 9, column: 3, detail: "Applied as acme/contact (warning)." },
    ]);
    expect(imported.counts).toEqual({ accepted: 1, mapped: 0, ignored: 0, refused: 3 });
  });

  it("refuses unknown and unsupported functions, and bad function options, pointing at them", () => {
    const source = YAML.stringify({
        rules: {
          unknown: { given: "$", then: { function: "isFancy" } },
          typed: { given: "$", then: { function: "typedEnum" } },
          casing: { given: "$.paths[*]~", then: { function: "casing", functionOptions: { type: "upper" } } },
          length: { given: "$.info.title", then: { function: "length" } },
          enumeration: { given: "$.info.title", then: { function: "enumeration", functionOptions: { values: [{ a: 1 }] } } },
          xor: { given: "$.info", then: { function: "xor", functionOptions: { properties: ["a"] } } },
          truthy: { given: "$.info", then: [{ field: "title", function: "truthy" }, { field: "version", function: "truthy", functionOptions: { strict: true } }] },
          unsafe: { given: "$.info.title", then: { function: "pattern", functionOptions: { match: "^(\\w+\\s?)*$" } } },
          badRegex: { given: "$.info.title", then: { function: "pattern", functionOptions: { notMatch: "([a-z]" } } },
          externalSchema: { given: "$.info", then: { function: "schema", functionOptions: { schema: { $ref: "https://schemas.acme.example/info.json" } } } },
          invalidSchema: { given: "$.info", then: { function: "schema", functionOptions: { schema: { type: "thing" } } } },
        },
      });
    const imported = read(source);
    expect(imported.definition.rules).toEqual([]);
    expect(imported.items.map(({ status, pointer, detail }) => `${status} ${pointer} ${detail}`)).toEqual([
      'refused /rules/unknown/then/function "isFancy" is not a core function (supported: truthy, falsy, defined, undefined, pattern, enumeration, length, casing, alphabetical, xor, schema); custom functions are never run.',
      'refused /rules/typed/then/function Spectral\'s "typedEnum" function is not supported (supported: truthy, falsy, defined, undefined, pattern, enumeration, length, casing, alphabetical, xor, schema).',
      'refused /rules/casing/then/functionOptions/type "casing" function and its "type" option accept the following values: flat, camel, pascal, kebab, cobol, snake, macro.',
      'refused /rules/length/then/functionOptions "length" function needs options (an object).',
      'refused /rules/enumeration/then/functionOptions/values "enumeration" and its "values" option support only arrays of primitive values, i.e. ["Berlin", "London", "Paris"].',
      'refused /rules/xor/then/functionOptions/properties "xor" and its "properties" option need at least two property names, i.e. ["id", "name"].',
      'refused /rules/truthy/then/1/functionOptions "truthy" function does not accept any options.',
      'refused /rules/unsafe/then/functionOptions/match "pattern" function: the pattern "^(\\\\w+\\\\s?)*$" repeats a group that can match the same text in many ways (like (a+)+), which can take exponential time.',
      expect.stringMatching(/^refused \/rules\/badRegex\/then\/functionOptions\/notMatch "pattern" function: "\(\[a-z\]" is not a valid regular expression/),
      'refused /rules/externalSchema/then/functionOptions/schema/$ref "schema" function: the schema refers to "https://schemas.acme.example/info.json"; only references inside the schema ("#/…") are followed, nothing is fetched.',
      expect.stringMatching(/^refused \/rules\/invalidSchema\/then\/functionOptions\/schema "schema" function: the schema is not valid: /),
    ]);
    // Where `type: upper` is in the text.
    const lines = source.split("\n");
    const line = lines.findIndex((text) => text.trim() === "type: upper") + 1;
    expect(item(imported, "refused", "/rules/casing/then/functionOptions/type")).toMatchObject({ line, column: lines[line - 1].indexOf("type") + 1 });
  });

  it("refuses JSONPath constructs it does not support, and filters that could do more than read", () => {
    const givens: Record<string, string> = {
      parent: "$.paths[*]^",
      script: "$.tags[(@.length-1)]",
      assignment: "$.paths[?(@.x = 1)]",
      compound: "$.paths[?(@.x; @.y)]",
      constructor: "$..[?(@.type.constructor.name === 'Array')]",
      call: "$.paths[?(@property.repeat(1000000) === 'x')]",
      identifier: "$.paths[?(process.exit())]",
      dynamicPattern: "$.paths[?(@property.match(@.pattern))]",
      unsafePattern: "$.paths[?(@property.match(/^(a+)+$/))]",
      nested: "$.paths[?(@.get[?(@.x)])]",
      notAPath: "paths.*",
    };
    const imported = read(YAML.stringify({ rules: Object.fromEntries(Object.entries(givens).map(([name, given]) => [name, { given: [given], then: { function: "truthy" } }])) }));
    expect(imported.definition.rules).toEqual([]);
    const refused = Object.fromEntries(imported.items.map((entry) => [entry.subject, `${entry.pointer} ${entry.detail}`]));
    expect(refused).toEqual({
      parent: '/rules/parent/given/0 "$.paths[*]^": the parent selector "^" is not supported; select the parent itself and use "field".',
      script: '/rules/script/given/0 "$.tags[(@.length-1)]": script expressions like "(@.length-1)" are not supported (only filters, "?(…)", are).',
      assignment: '/rules/assignment/given/0 "$.paths[?(@.x = 1)]": the filter "@.x = 1" assigns a value: filters may only read the document.',
      compound: '/rules/compound/given/0 "$.paths[?(@.x; @.y)]": the filter "@.x; @.y" has several statements: a filter is one expression.',
      constructor: `/rules/constructor/given/0 "$..[?(@.type.constructor.name === 'Array')]": the filter "@.type.constructor.name === 'Array'" reads "constructor", which is not available (filters see the document's own data only).`,
      call: expect.stringMatching(/^\/rules\/call\/given\/0 .*calls "repeat", which is not available/),
      identifier: expect.stringMatching(/^\/rules\/identifier\/given\/0 .*calls "exit", which is not available/),
      dynamicPattern: expect.stringMatching(/calls "match" with a pattern that is not written in the filter/),
      unsafePattern: expect.stringMatching(/has the regular expression \/\^\(a\+\)\+\$\/, which repeats a group/),
      nested: expect.stringMatching(/nested filter expressions are not supported/),
      notAPath: '/rules/notAPath/given/0 "paths.*" is not a JSONPath expression (it starts with "$", or "#" for an alias).',
    });
    expect(imported.items.every((entry) => entry.status === "refused" && entry.line !== undefined && entry.column !== undefined)).toBe(true);
  });

  it("maps extends: spectral:oas onto the built-in rules, and refuses to load anything else", () => {
    const imported = read(
      [
        "extends:",
        "  - [spectral:oas, all]",
        "  - spectral:asyncapi",
        "  - https://rulesets.acme.example/base.yaml",
        "  - ./base.yaml",
        "rules: {}",
        "",
      ].join("\n"),
    );
    expect(imported.items.map(({ status, pointer, line }) => `${status} ${pointer} ${line}`)).toEqual(["mapped /extends/0 2", "ignored /extends/1 3", "refused /extends/2 4", "refused /extends/3 5"]);
    expect(imported.items[0].detail).toMatch(/^spectral:oas \(all\) → Portico's built-in rules/);
    expect(imported.items[2].detail).toContain("never fetches");
    expect(read("extends: [spectral:oas, 'off']\nrules: {}\n").items).toEqual([expect.objectContaining({ status: "ignored", pointer: "/extends", detail: expect.stringContaining("is not applied") })]);
    expect(read("extends: spectral:oas\n").items).toEqual([expect.objectContaining({ status: "mapped", pointer: "/extends", line: 1 })]);
  });

  it("maps overrides of spectral:oas rules onto the built-in rules, and says which are not applied", () => {
    const imported = read(
      [
        "extends: spectral:oas",
        "rules:",
        "  operation-description: error",
        "  info-contact: true",
        "  operation-tag-defined: 3",
        "  no-$ref-siblings: off",
        "  operation-operationId:",
        "    severity: warn",
        "  oas3-schema: off",
        "  oas2-api-host: off",
        "  info-description: off",
        "  not-a-rule: error",
        "  bad-severity: loud",
        "",
      ].join("\n"),
    );
    expect(imported.definition.builtinOverrides).toEqual({ "operation-description": "error", "info-contact": "warn", "operation-tag-defined": "warn", "spec-ref-siblings": "off", "operation-operationId": "warn" });
    expect(imported.items.slice(1).map(({ status, subject, line }) => `${line} ${status} ${subject}`)).toEqual([
      "3 mapped operation-description",
      "4 mapped info-contact",
      "5 mapped operation-tag-defined",
      "6 mapped no-$ref-siblings",
      "7 mapped operation-operationId",
      "9 ignored oas3-schema",
      "10 ignored oas2-api-host",
      "11 ignored info-description",
      "12 ignored not-a-rule",
      "13 refused bad-severity",
    ]);
    expect(item(imported, "mapped", "/rules/no-$ref-siblings")!.detail).toBe('spectral:oas "no-$ref-siblings" → Portico\'s built-in rule "spec-ref-siblings", switched off while this ruleset is enabled.');
    expect(item(imported, "ignored", "/rules/oas3-schema")!.detail).toContain("always validates the document's structure");
    expect(item(imported, "ignored", "/rules/not-a-rule")!.detail).toBe('There is no rule "not-a-rule" in spectral:oas or in this ruleset to change.');
  });

  it("says what each rule becomes: severities, recommended: false, off, formats, unknown keys", () => {
    const imported = read(
      YAML.stringify({
        formats: ["oas3"],
        rules: {
          strict: { severity: "error", given: "$", then: { field: "info", function: "truthy" } },
          numeric: { severity: 0, given: "$", then: { field: "info", function: "truthy" } },
          hinted: { severity: "hint", given: "$", then: { field: "info", function: "truthy" } },
          optional: { recommended: false, given: "$", then: { field: "info", function: "truthy" } },
          silenced: { severity: "off", given: "$", then: { field: "info", function: "truthy" } },
          async: { formats: ["asyncapi2"], given: "$", then: { field: "info", function: "truthy" } },
          mixed: { formats: ["oas3_1", "oas3_2"], given: "$", then: { field: "info", function: "truthy" }, tags: ["x"] },
          loud: { severity: "loud", given: "$", then: { field: "info", function: "truthy" } },
        },
      }),
    );
    expect(imported.definition.rules.map(({ name, severity, formats }) => `${name} ${severity} ${formats}`)).toEqual(["strict error oas3", "numeric error oas3", "hinted hint oas3", "mixed warn oas3_1"]);
    expect(imported.items.map(({ status, subject, pointer }) => `${status} ${subject} ${pointer}`)).toEqual([
      "accepted strict /rules/strict",
      "accepted numeric /rules/numeric",
      "accepted hinted /rules/hinted",
      "ignored optional /rules/optional/recommended",
      "ignored silenced /rules/silenced/severity",
      "ignored async /rules/async/formats",
      "ignored async /rules/async/formats/0",
      "accepted mixed /rules/mixed",
      "ignored mixed /rules/mixed/formats/1",
      "ignored mixed /rules/mixed/tags",
      "refused loud /rules/loud/severity",
    ]);
    expect(item(imported, "accepted", "/rules/hinted")!.detail).toBe("Applied as acme/hinted (hint, reported as a warning) to oas3 documents.");
    expect(item(imported, "accepted", "/rules/strict")!.detail).toBe("Applied as acme/strict (error: blocks publishing) to oas3 documents.");
  });

  it("expands aliases, including spectral:oas's when it is extended", () => {
    const imported = read(
      YAML.stringify({
        extends: "spectral:oas",
        aliases: { Ops: ["$.paths[*][get,post]"], Scoped: { targets: [{ formats: ["oas3"], given: ["$.x"] }] } },
        rules: {
          mine: { given: "#Ops.summary", then: { function: "truthy" } },
          theirs: { given: ["#OperationObject"], then: { field: "operationId", function: "truthy" } },
          scoped: { given: "#Scoped", then: { function: "truthy" } },
          missing: { given: "#Nope", then: { function: "truthy" } },
        },
      }),
    );
    expect(imported.definition.rules.map(({ name, given }) => [name, given])).toEqual([
      ["mine", ["$.paths[*][get,post].summary"]],
      ["theirs", ["$.paths[*][get,put,post,delete,options,head,patch,trace]"]],
    ]);
    expect(imported.items.filter((entry) => entry.status === "refused").map(({ pointer, detail }) => `${pointer} ${detail}`)).toEqual([
      "/aliases/Scoped Scoped aliases (with targets per format) are not supported; rules that use #Scoped are refused. Give it as a list of expressions.",
      "/rules/scoped/given #Scoped is a scoped alias, which is not supported.",
      "/rules/missing/given There is no alias #Nope.",
    ]);
    expect(read(rule({ given: "#OperationObject", then: { function: "truthy" } })).items[0].detail).toBe("There is no alias #OperationObject (it is spectral:oas's: extend spectral:oas to use it).");
  });

  it("ignores what Portico does not use, and message expressions it would have to run", () => {
    const imported = read(
      YAML.stringify({
        documentationUrl: "https://acme.example/style",
        overrides: [{ files: ["*.yaml"], rules: {} }],
        parserOptions: { duplicateKeys: "warn" },
        "x-owner": "platform",
        rules: { r: { message: "#{{print('property')}} #{{ value.toUpperCase() }} {{error}}", given: "$", then: { field: "info", function: "truthy", extra: 1 } } },
      }),
    );
    expect(imported.items.map(({ status, subject, pointer }) => `${status} ${subject} ${pointer}`)).toEqual([
      "ignored documentationUrl /documentationUrl",
      "ignored overrides /overrides",
      "ignored parserOptions /parserOptions",
      "ignored x-owner /x-owner",
      "accepted r /rules/r",
      "ignored r /rules/r/message",
      "ignored r /rules/r/then/extra",
    ]);
    expect(item(imported, "ignored", "/rules/r/message")!.detail).toBe("#{{ value.toUpperCase() }} is left empty: Spectral evaluates it as JavaScript, which Portico never runs (print(\"property\") and print(\"value\") are supported).");
  });
});

describe("core functions", () => {
  it("truthy, falsy, defined, undefined", async () => {
    const document = openapi((d) => {
      d.info.description = "";
      d.info["x-internal"] = true;
    });
    const problems = await run(
      YAML.stringify({
        rules: {
          truthy: { given: "$.info", then: [{ field: "description", function: "truthy" }, { field: "title", function: "truthy" }] },
          falsy: { given: "$.info", then: { field: "x-internal", function: "falsy" } },
          defined: { given: "$.info", then: [{ field: "license", function: "defined" }, { field: "description", function: "defined" }] },
          undefined: { given: "$.info", then: [{ field: "x-internal", function: "undefined" }, { field: "license", function: "undefined" }] },
        },
      }),
      document,
    );
    expect(brief(problems)).toEqual([
      "warn acme/defined /info/license `info.license` property must be defined",
      "warn acme/truthy /info/description `description` property must be truthy",
      "warn acme/falsy /info/x-internal `x-internal` property must be falsy",
      "warn acme/undefined /info/x-internal `x-internal` property must be undefined",
    ]);
  });

  it("pattern: match and notMatch, /…/flags, only on strings", async () => {
    const problems = await run(
      YAML.stringify({
        rules: {
          match: { given: "$.info.title", then: { function: "pattern", functionOptions: { match: "^[a-z]+$" } } },
          flags: { given: "$.info.title", then: { function: "pattern", functionOptions: { match: "/^[a-z]+$/i" } } },
          notMatch: { given: "$.paths[*]~", then: { function: "pattern", functionOptions: { notMatch: "\\{lockerId\\}" } } },
          numbers: { given: "$.info", then: { field: "x-count", function: "pattern", functionOptions: { match: "^x" } } },
        },
      }),
      openapi((d) => (d.info["x-count"] = 3)),
    );
    expect(brief(problems)).toEqual([
      'warn acme/match /info/title "Lockers" must match the pattern "^[a-z]+$"',
      'warn acme/notMatch /paths/~1lockers~1{lockerId}~1open "/lockers/{lockerId}/open" must not match the pattern "\\\\{lockerId\\\\}"',
    ]);
  });

  it("enumeration and length", async () => {
    const problems = await run(
      YAML.stringify({
        rules: {
          enumeration: { given: "$.components.schemas.Locker.properties.size.enum[*]", then: { function: "enumeration", functionOptions: { values: ["S", "M", 1, null] } } },
          shortTitle: { given: "$.info.title", then: { function: "length", functionOptions: { max: 5 } } },
          manyTags: { given: "$", then: { field: "tags", function: "length", functionOptions: { min: 3, max: 1 } } },
          fewPaths: { given: "$", then: { field: "paths", function: "length", functionOptions: { min: 3 } } },
          number: { given: "$.info", then: { field: "x-limit", function: "length", functionOptions: { max: 10 } } },
          inRange: { given: "$.info.version", then: { function: "length", functionOptions: { min: 1, max: 10 } } },
        },
      }),
      openapi((d) => (d.info["x-limit"] = 11)),
    );
    expect(brief(problems)).toEqual([
      "warn acme/shortTitle /info/title `title` property must be shorter than 5",
      "warn acme/number /info/x-limit `x-limit` property must be shorter than 10",
      "warn acme/manyTags /tags `tags` property must not be shorter than 3",
      "warn acme/manyTags /tags `tags` property must be shorter than 1",
      "warn acme/fewPaths /paths `paths` property must not be shorter than 3",
      'warn acme/enumeration /components/schemas/Locker/properties/size/enum/2 "L" must be equal to one of the allowed values: "S", "M", 1, null',
    ]);
  });

  it("casing: every type, digits, separators", () => {
    const cases: [string, Editable, string[], string[]][] = [
      ["flat", {}, ["lockers", "lockers2"], ["Lockers", "locker-id", "lockerId", ""]],
      ["camel", {}, ["lockerId", "openLocker2", "a"], ["LockerId", "locker_id", "locker-id"]],
      ["pascal", {}, ["LockerId", "Locker"], ["lockerId", "Locker_Id"]],
      ["kebab", {}, ["locker-id", "lockers"], ["Locker-Id", "locker_id", "locker--id", "-locker"]],
      ["cobol", {}, ["LOCKER-ID"], ["Locker-Id", "LOCKER_ID"]],
      ["snake", {}, ["locker_id", "lockers"], ["lockerId", "locker-id"]],
      ["macro", {}, ["LOCKER_ID"], ["LOCKER-ID", "locker_id"]],
      ["camel", { disallowDigits: true }, ["lockerId"], ["locker2"]],
      ["kebab", { separator: { char: "/", allowLeading: true } }, ["/lockers/locker-id", "/", "lockers/open"], ["/Lockers", "//lockers"]],
      ["kebab", { separator: { char: "/" } }, ["lockers/open"], ["/lockers"]],
    ];
    return Promise.all(
      cases.map(async ([type, extra, good, bad]) => {
        const values = [...good, ...bad];
        const problems = await run(rule({ given: "$.info.x-values[*]", then: { function: "casing", functionOptions: { type, ...extra } } }), openapi((d) => (d.info["x-values"] = values)));
        // An empty string is not checked (as in Spectral: casing needs a non-empty string).
        const expected = bad.filter((value) => value !== "").map((value) => `/info/x-values/${values.indexOf(value)}`);
        expect({ type, extra, pointers: at(problems) }).toEqual({ type, extra, pointers: expected });
        for (const problem of problems) expect(problem.message).toMatch(new RegExp(`must be ${type} case$`));
      }),
    );
  });

  it("alphabetical: arrays, object keys, keyedBy", async () => {
    const problems = await run(
      YAML.stringify({
        rules: {
          keyed: { given: "$", then: { field: "tags", function: "alphabetical", functionOptions: { keyedBy: "name" } } },
          values: { given: "$.info.x-list", then: { function: "alphabetical" } },
          keys: { given: "$.components.schemas", then: { function: "alphabetical" } },
          objects: { given: "$.info.x-list", then: { function: "alphabetical", functionOptions: { keyedBy: "name" } } },
          sorted: { given: "$.info.x-sorted", then: { function: "alphabetical" } },
        },
      }),
      openapi((d) => {
        d.tags = [{ name: "openings" }, { name: "lockers" }];
        d.info["x-list"] = ["b", "c", "a"];
        d.info["x-sorted"] = ["a", "B", "c", 1];
      }),
    );
    expect(brief(problems)).toEqual([
      "warn acme/objects /info/x-list `x-list` property must be an object",
      'warn acme/values /info/x-list/1 "c" must be placed after "a"',
      "warn acme/keyed /tags properties must follow the alphabetical order",
      'warn acme/keys /components/schemas/Lockers "Lockers" must be placed after "Locker"',
    ]);
  });

  it("xor", async () => {
    const problems = await run(
      rule({ given: "$.components.examples[*]", then: { function: "xor", functionOptions: { properties: ["value", "externalValue"] } } }),
      openapi((d) => (d.components.examples = { both: { value: 1, externalValue: "https://x.example" }, none: { summary: "?" }, one: { value: 2 } })),
    );
    expect(brief(problems)).toEqual([
      'warn acme/r /components/examples/both "value" and "externalValue" must not be both defined or both undefined',
      'warn acme/r /components/examples/none "value" and "externalValue" must not be both defined or both undefined',
    ]);
  });

  it("schema: JSON Schema by dialect, where each error is, and a missing value", async () => {
    const document = openapi((d) => {
      d.info.contact = { name: "Lockers team" };
      d.info["x-limits"] = { max: 10, tiers: ["a", 2] };
    });
    const problems = await run(
      YAML.stringify({
        rules: {
          contact: { given: "$.info", then: { field: "contact", function: "schema", functionOptions: { schema: { type: "object", required: ["email"], properties: { email: { type: "string", format: "email" } } } } } },
          license: { given: "$.info", then: { field: "license", function: "schema", functionOptions: { schema: { type: "object" } } } },
          draft4: { given: "$.info.x-limits", then: { function: "schema", functionOptions: { schema: { $schema: "http://json-schema.org/draft-04/schema#", properties: { max: { maximum: 10, exclusiveMaximum: true } } } } } },
          draft2020: { given: "$.info.x-limits", then: { function: "schema", functionOptions: { dialect: "draft2020-12", allErrors: true, schema: { properties: { tiers: { prefixItems: [{ type: "string" }, { type: "string" }] } }, additionalProperties: false, required: ["min"] } } } },
        },
      }),
      document,
    );
    expect(brief(problems)).toEqual([
      "warn acme/license /info/license `info.license` property must exist",
      "warn acme/contact /info/contact `contact` property must have required property 'email'",
      "warn acme/draft2020 /info/x-limits `x-limits` property must have required property 'min'",
      'warn acme/draft2020 /info/x-limits `x-limits` property must NOT have additional properties: "max"',
      "warn acme/draft4 /info/x-limits/max `max` property must be < 10",
      "warn acme/draft2020 /info/x-limits/tiers/1 `1` property must be string",
    ]);
  });
});

describe("given and field", () => {
  it("takes a list of expressions, and checks a node reached twice once", async () => {
    const problems = await run(rule({ given: ["$.paths[*][*]", "$.paths['/lockers'].get", "$.paths..[?(@.operationId)]"], then: { field: "description", function: "truthy" } }));
    expect(at(problems)).toEqual(["/paths/~1lockers/get/description", "/paths/~1lockers~1{lockerId}~1open/post/description"]);
    expect(problems[0].message).toBe("`get.description` property must be truthy");
  });

  it("@key checks every property name; a relative JSONPath field checks what it selects", async () => {
    const problems = await run(
      YAML.stringify({
        rules: {
          keys: { given: "$.components.schemas", then: { field: "@key", function: "casing", functionOptions: { type: "camel" } } },
          relative: { given: "$.paths[*]", then: { field: "$..operationId", function: "pattern", functionOptions: { match: "^list" } } },
          nothing: { given: "$.paths", then: { field: "$..nope", function: "defined" } },
        },
      }),
    );
    expect(brief(problems)).toEqual([
      "warn acme/nothing /paths `paths` property must be defined",
      'warn acme/relative /paths/~1lockers~1{lockerId}~1open/post/operationId "openLocker" must match the pattern "^list"',
      "warn acme/keys /components/schemas/Lockers `Lockers` property must be camel case",
      "warn acme/keys /components/schemas/Locker `Locker` property must be camel case",
    ]);
  });

  it("filters see @property, @parentProperty, @path and @root, and a filter that fails matches nothing", async () => {
    const problems = await run(
      YAML.stringify({
        rules: {
          property: { given: "$.paths[*][?(@property === 'post')]", then: { field: "summary", function: "falsy" } },
          parentProperty: { given: "$.paths[*][?(@parentProperty === '/lockers')]", then: { function: "falsy" } },
          path: { given: "$..[?(@path === \"$['info']['contact']\")]", then: { function: "falsy" } },
          root: { given: "$.tags[?(@.name === @root.paths['/lockers'].get.tags[0])]", then: { function: "falsy" } },
          failing: { given: "$.paths[*][*][?(@.missing.deeper === 1)]", then: { function: "falsy" } },
          regex: { given: "$.paths[*][*].responses[?(/^2\\d\\d$/.test(@property) && @property.startsWith('20'))]", then: { function: "falsy" } },
          list: { given: "$.paths[*][?(['get', 'put'].includes(@property))]", then: { field: "operationId", function: "falsy" } },
        },
      }),
    );
    const found = brief(problems).map((line) => line.split(" ").slice(0, 3).join(" "));
    expect(found.sort()).toEqual(
      [
        "warn acme/property /paths/~1lockers~1{lockerId}~1open/post/summary",
        "warn acme/parentProperty /paths/~1lockers/get",
        "warn acme/path /info/contact",
        "warn acme/root /tags/0",
        "warn acme/regex /components/responses/LockerList",
        "warn acme/regex /paths/~1lockers~1{lockerId}~1open/post/responses/204",
        "warn acme/list /paths/~1lockers/get/operationId",
      ].sort(),
    );
  });

  it("follows $refs like Spectral, reporting at the definition once; resolved: false sees the $ref", async () => {
    const document = openapi((d) => {
      d.paths["/lockers"].put = { operationId: "replaceLockers", responses: { "200": { $ref: "#/components/responses/LockerList" } } };
      delete d.components.responses.LockerList.content["application/json"].schema;
    });
    const resolved = await run(rule({ given: "$.paths[*][*].responses[?(@property.startsWith('2'))].content[*]", then: { field: "schema", function: "truthy" } }), document);
    expect(brief(resolved)).toEqual(["warn acme/r /components/responses/LockerList/content/application~1json/schema `application/json.schema` property must be truthy"]);
    expect(resolved[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    const unresolved = await run(rule({ resolved: false, given: "$.paths[*][*].responses[*]", then: { field: "description", function: "truthy" } }), document);
    expect(at(unresolved)).toEqual(["/paths/~1lockers/get/responses/200/description", "/paths/~1lockers/put/responses/200/description"]);
  });

  it("ends reference cycles", async () => {
    const problems = await run(
      rule({ given: "$..properties[*]~", then: { function: "casing", functionOptions: { type: "camel" } } }),
      openapi((d) => {
        d.components.schemas.Node = { type: "object", properties: { Children: { type: "array", items: { $ref: "#/components/schemas/Node" } }, next_node: { $ref: "#/components/schemas/Node" } } };
        d.paths["/lockers"].get.responses["200"] = { description: "x", content: { "application/json": { schema: { $ref: "#/components/schemas/Node" } } } };
      }),
    );
    expect(at(problems)).toEqual(["/components/schemas/Node/properties/Children", "/components/schemas/Node/properties/next_node"]);
  });

  it("an expression ending with ~ matches property names", async () => {
    const problems = await run(rule({ given: "$.paths.*~", then: { function: "pattern", functionOptions: { notMatch: "open" } } }));
    expect(brief(problems)).toEqual(['warn acme/r /paths/~1lockers~1{lockerId}~1open "/lockers/{lockerId}/open" must not match the pattern "open"']);
  });
});

describe("messages", () => {
  it("fills {{error}}, {{property}}, {{path}}, {{value}}, {{description}} and print()", async () => {
    const problems = await run(
      YAML.stringify({
        rules: {
          all: {
            description: "Titles are short.",
            message: "{{description}} {{error}}. At {{path}}: {{property}} = {{value}}; #{{print(\"property\")}}/ #{{print('value')}} / {{nope}}.",
            given: "$.info",
            then: { field: "title", function: "length", functionOptions: { max: 3 } },
          },
          missing: { message: "{{property}} at {{path}} is {{value}}", given: "$.paths[*][*]", then: { field: "x-owner.team", function: "truthy" } },
          descriptionOnly: { description: "Every operation has a description.", given: "$.paths['/lockers'].get", then: { field: "description", function: "truthy" } },
        },
      }),
    );
    expect(problems.map((problem) => problem.message)).toEqual([
      'Titles are short. `title` property must be shorter than 3. At #/info/title: title = Lockers; `title` property / "Lockers" / .',
      "Every operation has a description.",
      "get.x-owner.team at #/paths/~1lockers/get is Object{}",
      "post.x-owner.team at #/paths/~1lockers~1{lockerId}~1open/post is Object{}",
    ]);
  });
});

describe("formats", () => {
  it("runs a rule on the formats it lists", async () => {
    const ruleset = YAML.stringify({
      rules: {
        for30: { formats: ["oas3_0"], given: "$.info", then: { field: "title", function: "falsy" } },
        for31: { formats: ["oas3_1"], given: "$.info", then: { field: "title", function: "falsy" } },
        for3: { formats: ["oas3"], given: "$.info", then: { field: "title", function: "falsy" } },
        for2: { formats: ["oas2"], given: "$.info", then: { field: "title", function: "falsy" } },
      },
    });
    expect((await run(ruleset)).map((problem) => problem.ruleId)).toEqual(["acme/for30", "acme/for3"]);
    expect((await run(ruleset, openapi((d) => (d.openapi = "3.1.0")))).map((problem) => problem.ruleId)).toEqual(["acme/for31", "acme/for3"]);
  });

  it("runs oas2 rules on a Swagger 2.0 upload as uploaded, the others on its OpenAPI 3 conversion", async () => {
    const problems = await run(
      YAML.stringify({
        rules: {
          host: { formats: ["oas2"], given: "$", then: { field: "host", function: "pattern", functionOptions: { notMatch: "example" } } },
          servers: { given: "$.servers[*].url", then: { function: "pattern", functionOptions: { notMatch: "example" } } },
        },
      }),
      fixture("swagger-2.0.yaml"),
    );
    expect(problems).toEqual([
      // The conversion has no text: no line.
      { ruleId: "acme/servers", severity: "warn", message: '"https://legacy.example.org/api" must not match the pattern "example"', pointer: "/servers/0/url" },
      { ruleId: "acme/host", severity: "warn", message: '"legacy.example.org" must not match the pattern "example"', pointer: "/host", inOriginal: true, line: 8, column: 1 },
    ]);
  });
});

describe("JSONPath: the same matches as jsonpath-plus", () => {
  const document = {
    openapi: "3.0.3",
    info: { title: "x", "x-a.b": 1, contact: { name: "n" } },
    tags: [{ name: "b" }, { name: "a", description: "d" }, { name: "c" }],
    paths: {
      "/a": { get: { operationId: "getA", parameters: [{ name: "q", in: "query" }, { name: "id", in: "path" }], responses: { "200": { description: "ok" }, "404": { description: "no" } } }, post: { responses: { "201": { description: "made" } } } },
      "/b": { parameters: [{ name: "h", in: "header" }], delete: { responses: { default: { description: "d" } } } },
    },
    components: { schemas: { A: { type: "object", properties: { id: { type: "string", enum: ["x", null] }, list: { type: "array", items: { type: "number" } } } } } },
  };
  const expressions = [
    "$",
    "$.info",
    "$.info.title",
    "$['info']['x-a.b']",
    "$.paths[*]",
    "$.paths.*.*",
    "$.paths[*][get,post]",
    "$.tags[0,2]",
    "$.tags[-1:]",
    "$.tags[:2]",
    "$.tags[::2]",
    "$..name",
    "$..*",
    "$..[*]",
    "$.paths..responses[*]",
    "$..parameters[?(@.in === 'query')]",
    "$..[?(@.type == 'object')].properties",
    "$.paths[*][?(@property === 'get')]",
    "$.paths[*][*].responses[?(@property.match(/^2/))]",
    "$..properties[*].enum[*]",
    "$.tags[?(@.description)]",
    "$..[?(@ && @.in)]",
    "$.paths[?(@property.startsWith('/a'))]..description",
    "$..responses[?(!@.description.startsWith('o'))]",
    "$.info.title@string()",
    "$..enum[*]@null()",
    "$..[?(@parentProperty === 'paths')]",
    "$..[?(@.length > 1)]",
    "$.nothing.here",
  ];
  it.each(expressions)("%s", (expression) => {
    // A filter that fails on a value (null.type) does not match it, in both.
    const expected = (JSONPath({ path: expression, json: document, resultType: "pointer", ignoreEvalErrors: true }) as string[]).sort();
    const actual = queryPath(document, expression)
      .map((match) => match.actualPath.map((token) => "/" + String(token).replace(/~/g, "~0").replace(/\//g, "~1")).join(""))
      .sort();
    expect(actual).toEqual(expected);
  });

  it("reads quoted unions, which jsonpath-plus does not (Spectral does)", () => {
    expect(queryPath(document, "$.paths['/a']['get','post'].responses").map((match) => match.actualPath.join("|"))).toEqual(["paths|/a|get|responses", "paths|/a|post|responses"]);
  });
});

describe("regular expressions", () => {
  it("refuses the shapes that backtrack exponentially, and passes the usual ones", () => {
    for (const unsafe of ["(a+)+", "(a*)*b", "(\\w+\\s?)*$", "((ab)+)+", "(x+x+)+y", "^/(?:[a-z0-9-]+/?)*$", "(a+|b)+"]) expect({ unsafe, reason: unsafeRegexReason(unsafe) }).toEqual({ unsafe, reason: expect.any(String) });
    for (const safe of ["^[a-z]+(-[a-z]+)*$", "^(/[a-z0-9-]+|/\\{[a-z][a-zA-Z0-9]*\\})+$", "(a|b)*", "^(?:[A-Z0-9](?:[a-z0-9]+|$))*$", "^https://", "\\d{3}-\\d{4}", "^[^@\\s]+@[^@\\s]+$"]) expect({ safe, reason: unsafeRegexReason(safe) }).toEqual({ safe, reason: null });
  });
});

describe("spectral:oas mapping", () => {
  it("maps onto built-in rules that exist", () => {
    const ids = new Set(PORTICO_RULES.map((entry) => entry.id));
    for (const [spectral, portico] of Object.entries(SPECTRAL_OAS_MAPPING)) expect({ spectral, exists: ids.has(portico) }).toEqual({ spectral, exists: true });
    expect(mapSpectralOasOverride("info-contact", true)).toEqual({ kind: "mapped", porticoRule: "info-contact", severity: "warn", approximate: false });
    expect(mapSpectralOasOverride("oas3-api-servers", true)).toEqual({ kind: "mapped", porticoRule: "no-empty-servers", severity: "error", approximate: false });
    expect(mapSpectralOasOverride("operation-success-response", "info")).toEqual({ kind: "mapped", porticoRule: "operation-2xx-response", severity: "warn", approximate: true });
  });
});

describe("lintSpec with rulesets", () => {
  it("merges the rulesets' findings into the report: their errors count as errors", async () => {
    const imported = read(
      YAML.stringify({
        rules: {
          "operation-id-kebab": { severity: "error", given: "$.paths[*][*]", then: { field: "operationId", function: "casing", functionOptions: { type: "kebab" } } },
          "summary-period": { severity: "warn", given: "$.paths[*][*].summary", then: { function: "pattern", functionOptions: { match: "\\.$" } } },
        },
      }),
    );
    const parsed = await parseSpec(fixture("petstore-3.0.yaml"));
    const without = await lintSpec(parsed, {});
    const report = await lintSpec(parsed, {}, { rulesets: [imported.definition] });
    expect(without).toMatchObject({ errors: 0, warnings: 0 });
    expect(report.errors).toBe(4);
    expect(report.warnings).toBe(4);
    expect(report.problems[0]).toEqual({ ruleId: "acme/operation-id-kebab", severity: "error", message: "`operationId` property must be kebab case", pointer: "/paths/~1pets/get/operationId", line: expect.any(Number), column: expect.any(Number) });
    expect(report.problems.every((problem, index) => index < 4 === (problem.severity === "error"))).toBe(true);
  });

  it("applies the rulesets' overrides of built-in rules, a later ruleset winning", async () => {
    const parsed = await parseSpec(fixture("petstore-3.0.yaml"));
    const first = read("extends: spectral:oas\nrules:\n  operation-description: error\n  info-contact: warn\n", "first").definition;
    const second = read("rules:\n  info-contact: off\n", "second").definition;
    const report = await lintSpec(parsed, { "info-contact": "error" }, { rulesets: [first, second] });
    expect([...new Set(report.problems.map((problem) => `${problem.severity} ${problem.ruleId}`))]).toEqual(["error operation-description"]);
  });

  it("runs the style-guide fixture on a document that breaks some of its rules", async () => {
    const imported = read(fixture("rulesets/acme-api-style.yaml"));
    expect(imported.counts).toEqual({ accepted: 12, mapped: 4, ignored: 1, refused: 0 });
    const document = openapi((d) => {
      d.servers = [{ url: "http://lockers.acme.example" }];
      d.tags = [{ name: "openings" }, { name: "lockers" }];
      d.paths["/Lockers/{id}"] = { get: { operationId: "get_locker", summary: "x".repeat(81), "x-internal": true, parameters: [{ name: "page_size", in: "query", schema: { type: "integer" } }], responses: { "200": { description: "A locker.", content: { "application/json": {} } }, "404": { description: "None.", content: { "application/json": { schema: { type: "object" } } } } } } };
      d.info.contact.email = "lockers at acme";
    });
    const report = await lintSpec(await parseSpec(document), {}, { rulesets: [imported.definition] });
    const own = report.problems.filter((problem) => problem.ruleId.startsWith("acme/"));
    expect(own.map(({ severity, ruleId, pointer }) => `${severity} ${ruleId} ${pointer}`)).toEqual([
      "error acme/paths-kebab-case /paths/~1Lockers~1{id}",
      "error acme/operation-id-camel-case /paths/~1Lockers~1{id}/get/operationId",
      "error acme/no-x-internal /paths/~1Lockers~1{id}/get/x-internal",
      "error acme/servers-https /servers/0/url",
      "warn acme/license-schema /info/license",
      "warn acme/contact-email /info/contact/email",
      "warn acme/tags-alphabetical /tags",
      "warn acme/summary-length /paths/~1Lockers~1{id}/get/summary",
      "warn acme/query-parameters-camel-case /paths/~1Lockers~1{id}/get/parameters/0/name",
      "warn acme/success-response-schema /paths/~1Lockers~1{id}/get/responses/200/content/application~1json/schema",
      "warn acme/errors-problem-json /paths/~1Lockers~1{id}/get/responses/404/content/application~1json",
    ]);
    expect(own.find((problem) => problem.ruleId === "acme/no-x-internal")!.message).toBe("x-internal must not be in a published description (#/paths/~1Lockers~1{id}/get/x-internal).");
    // The ruleset turns info-license off and operation-description to a warning.
    expect(report.problems.some((problem) => problem.ruleId === "info-license")).toBe(false);
    expect(report.problems.filter((problem) => problem.ruleId === "operation-description").every((problem) => problem.severity === "warn")).toBe(true);
  });
});
