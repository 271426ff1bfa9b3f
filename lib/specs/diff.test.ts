import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { changelogMarkdown, diffSpecs, DIFF_RULES, groupByOperation, type DiffReport, type SpecChange } from "./diff";
import type { OpenApiDocument } from "./operations";

type Json = Record<string, unknown>;

const doc = (paths: Json, extra: Json = {}): OpenApiDocument =>
  ({ openapi: "3.0.3", info: { title: "T", version: "1.0.0" }, paths, ...extra }) as unknown as OpenApiDocument;

const ok = { "200": { description: "OK" } };

/** "rule:kind" of every change, in report order. */
const rules = (before: OpenApiDocument, after: OpenApiDocument) => diffSpecs(before, after).changes.map((c) => `${c.rule}:${c.kind}`);

/** A document whose POST /things takes `schema` as its JSON body. */
const requestWith = (schema: Json, components?: Json) =>
  doc({ "/things": { post: { requestBody: { required: true, content: { "application/json": { schema } } }, responses: ok } } }, components ? { components: { schemas: components } } : {});

/** A document whose GET /things answers 200 with `schema`. */
const responseWith = (schema: Json, components?: Json) =>
  doc({ "/things": { get: { responses: { "200": { description: "OK", content: { "application/json": { schema } } } } } } }, components ? { components: { schemas: components } } : {});

/** A document whose GET /things has the given parameters. */
const parametersWith = (...parameters: Json[]) => doc({ "/things": { get: { parameters, responses: ok } } });

const object = (properties: Json, required: string[] = [], extra: Json = {}) => ({ type: "object", properties, required, ...extra });

describe("operations", () => {
  const v1 = doc({ "/charges": { get: { responses: ok } }, "/charges/{id}": { delete: { responses: ok } } });
  const v2 = doc({ "/charges": { get: { responses: ok } } });

  it("operation-removed is breaking; operation-added is not (the same change, both ways)", () => {
    const removed = diffSpecs(v1, v2).changes;
    expect(removed).toEqual([
      expect.objectContaining({ rule: "operation-removed", kind: "breaking", operation: "DELETE /charges/{id}", pointer: "/paths/~1charges~1{id}/delete" }),
    ]);
    expect(rules(v2, v1)).toEqual(["operation-added:non-breaking"]);
  });

  it("tells methods of the same path apart", () => {
    const get = doc({ "/a": { get: { responses: ok } } });
    const post = doc({ "/a": { post: { responses: ok } } });
    expect(rules(get, post).sort()).toEqual(["operation-added:non-breaking", "operation-removed:breaking"]);
  });

  it("operation-deprecated and operation-undeprecated are annotations", () => {
    const live = doc({ "/a": { get: { responses: ok } } });
    const deprecated = doc({ "/a": { get: { deprecated: true, responses: ok } } });
    expect(rules(live, deprecated)).toEqual(["operation-deprecated:annotation"]);
    expect(rules(deprecated, live)).toEqual(["operation-undeprecated:annotation"]);
  });

  it("treats /a/{id} and /a/{key} as the same operation: only parameter-renamed, an annotation", () => {
    const param = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });
    const before = doc({ "/a/{id}": { get: { parameters: [param("id")], responses: ok } } });
    const after = doc({ "/a/{key}": { get: { parameters: [param("key")], responses: ok } } });
    const changes = diffSpecs(before, after).changes;
    expect(changes.map((c) => `${c.rule}:${c.kind}`)).toEqual(["parameter-renamed:annotation"]);
    expect(changes[0].operation).toBe("GET /a/{key}");
    expect(rules(doc({ "/a/{id}": { get: { responses: ok } } }), doc({ "/a/{key}": { get: { responses: ok } } }))).toEqual([]);
  });

  it("operation-id-changed is an annotation", () => {
    expect(rules(doc({ "/a": { get: { operationId: "getA", responses: ok } } }), doc({ "/a": { get: { operationId: "fetchA", responses: ok } } }))).toEqual([
      "operation-id-changed:annotation",
    ]);
  });

  it("finds nothing between a document and itself, or an equal copy", () => {
    const fixture = loadFixture("payments-v2.yaml");
    expect(diffSpecs(fixture, fixture).changes).toEqual([]);
    expect(diffSpecs(fixture, structuredClone(fixture)).changes).toEqual([]);
  });
});

describe("parameters", () => {
  const limit = (extra: Json = {}, schema: Json = { type: "integer" }) => ({ name: "limit", in: "query", schema, ...extra });

  it("a new required parameter is breaking; removing it is breaking too", () => {
    expect(rules(parametersWith(), parametersWith(limit({ required: true })))).toEqual(["parameter-added-required:breaking"]);
    expect(rules(parametersWith(limit({ required: true })), parametersWith())).toEqual(["parameter-removed:breaking"]);
  });

  it("a new optional parameter is non-breaking; removing an optional one is breaking (the server may reject or ignore it)", () => {
    expect(rules(parametersWith(), parametersWith(limit()))).toEqual(["parameter-added-optional:non-breaking"]);
    expect(rules(parametersWith(limit()), parametersWith())).toEqual(["parameter-removed:breaking"]);
  });

  it("optional → required is breaking; required → optional is not", () => {
    expect(rules(parametersWith(limit()), parametersWith(limit({ required: true })))).toEqual(["parameter-became-required:breaking"]);
    expect(rules(parametersWith(limit({ required: true })), parametersWith(limit()))).toEqual(["parameter-became-optional:non-breaking"]);
  });

  it("covers path, header and cookie parameters, header names without case", () => {
    const header = (name: string, required = false) => ({ name, in: "header", required, schema: { type: "string" } });
    expect(rules(parametersWith(header("X-Trace")), parametersWith(header("x-trace")))).toEqual([]);
    expect(rules(parametersWith(), parametersWith(header("X-Tenant", true)))).toEqual(["parameter-added-required:breaking"]);
    expect(rules(parametersWith({ name: "session", in: "cookie", schema: { type: "string" } }), parametersWith())).toEqual(["parameter-removed:breaking"]);
    // The same name in another location is another parameter.
    expect(rules(parametersWith(limit()), parametersWith({ ...limit(), in: "header" })).sort()).toEqual(["parameter-added-optional:non-breaking", "parameter-removed:breaking"]);
  });

  it("type narrowed or changed is breaking; widened is not", () => {
    expect(rules(parametersWith(limit({}, { type: "number" })), parametersWith(limit({}, { type: "integer" })))).toEqual(["request-type-narrowed:breaking"]);
    expect(rules(parametersWith(limit({}, { type: "integer" })), parametersWith(limit({}, { type: "number" })))).toEqual(["request-type-widened:non-breaking"]);
    expect(rules(parametersWith(limit({}, { type: "integer" })), parametersWith(limit({}, { type: "boolean" })))).toEqual(["request-type-changed:breaking"]);
  });

  it("an enum value removed from a request parameter is breaking; added is not", () => {
    const status = (values: string[]) => ({ name: "status", in: "query", schema: { type: "string", enum: values } });
    expect(rules(parametersWith(status(["open", "closed"])), parametersWith(status(["open"])))).toEqual(["request-enum-value-removed:breaking"]);
    expect(rules(parametersWith(status(["open"])), parametersWith(status(["open", "closed"])))).toEqual(["request-enum-value-added:non-breaking"]);
  });

  it("parameter-deprecated is an annotation", () => {
    expect(rules(parametersWith(limit()), parametersWith(limit({ deprecated: true })))).toEqual(["parameter-deprecated:annotation"]);
  });

  it("reads a parameter's schema from `content` too", () => {
    const filter = (type: string) => ({ name: "filter", in: "query", content: { "application/json": { schema: { type } } } });
    expect(rules(parametersWith(filter("number")), parametersWith(filter("integer")))).toEqual(["request-type-narrowed:breaking"]);
  });

  it("merges path-level parameters, the operation's own overriding them", () => {
    const before = doc({ "/a": { parameters: [limit()], get: { responses: ok } } });
    const after = doc({ "/a": { parameters: [limit()], get: { parameters: [limit({ required: true })], responses: ok } } });
    expect(rules(before, after)).toEqual(["parameter-became-required:breaking"]);
  });

  it("reports a change of a shared parameter once, with every operation it affects", () => {
    const shared = (maximum: number) => ({ parameters: { limit: limit({}, { type: "integer", maximum }) } });
    const paths = { "/a": { get: { parameters: [{ $ref: "#/components/parameters/limit" }], responses: ok } }, "/b": { get: { parameters: [{ $ref: "#/components/parameters/limit" }], responses: ok } } };
    const changes = diffSpecs(doc(paths, { components: shared(100) }), doc(paths, { components: shared(50) })).changes;
    expect(changes).toEqual([
      {
        kind: "breaking",
        rule: "request-constraint-narrowed",
        operation: null,
        operations: ["GET /a", "GET /b"],
        pointer: "/components/parameters/limit/schema/maximum",
        message: "Query parameter `limit`: maximum lowered from 100 to 50.",
      },
    ]);
  });
});

describe("request body", () => {
  const body = (required: boolean | undefined, content: Json = { "application/json": { schema: { type: "object" } } }) =>
    doc({ "/a": { post: { ...(required === undefined ? {} : { requestBody: { required, content } }), responses: ok } } });

  it("became required is breaking; became optional is not", () => {
    expect(rules(body(false), body(true))).toEqual(["request-body-became-required:breaking"]);
    expect(rules(body(true), body(false))).toEqual(["request-body-became-optional:non-breaking"]);
  });

  it("a required body added is breaking, an optional one is not; a removed body is breaking", () => {
    expect(rules(body(undefined), body(true))).toEqual(["request-body-added-required:breaking"]);
    expect(rules(body(undefined), body(false))).toEqual(["request-body-added-optional:non-breaking"]);
    expect(rules(body(true), body(undefined))).toEqual(["request-body-removed:breaking"]);
  });

  it("a media type removed is breaking; added is not; parameters of a media type do not count", () => {
    const json = { "application/json": { schema: { type: "object" } } };
    const both = { ...json, "application/xml": { schema: { type: "object" } } };
    expect(rules(body(true, both), body(true, json))).toEqual(["request-media-type-removed:breaking"]);
    expect(rules(body(true, json), body(true, both))).toEqual(["request-media-type-added:non-breaking"]);
    expect(rules(body(true, json), body(true, { "application/json; charset=utf-8": { schema: { type: "object" } } }))).toEqual([]);
  });

  it("a new required property is breaking; a new optional one is not", () => {
    expect(rules(requestWith(object({})), requestWith(object({ amount: { type: "integer" } }, ["amount"])))).toEqual(["request-property-added-required:breaking"]);
    expect(rules(requestWith(object({})), requestWith(object({ memo: { type: "string" } })))).toEqual(["request-property-added-optional:non-breaking"]);
  });

  it("a removed property is non-breaking while extra properties are accepted, breaking when additionalProperties is false", () => {
    const memo = { memo: { type: "string" } };
    expect(rules(requestWith(object(memo)), requestWith(object({})))).toEqual(["request-property-removed:non-breaking"]);
    expect(rules(requestWith(object(memo, [], { additionalProperties: false })), requestWith(object({}, [], { additionalProperties: false })))).toEqual([
      "request-property-removed-strict:breaking",
    ]);
  });

  it("a property becoming required is breaking; becoming optional is not", () => {
    const memo = { memo: { type: "string" } };
    expect(rules(requestWith(object(memo)), requestWith(object(memo, ["memo"])))).toEqual(["request-property-became-required:breaking"]);
    expect(rules(requestWith(object(memo, ["memo"])), requestWith(object(memo)))).toEqual(["request-property-became-optional:non-breaking"]);
  });

  it("ignores readOnly properties in requests", () => {
    expect(rules(requestWith(object({})), requestWith(object({ id: { type: "string", readOnly: true } }, ["id"])))).toEqual([]);
    expect(rules(requestWith(object({ id: { type: "string", readOnly: true } })), requestWith(object({})))).toEqual([]);
  });

  const amount = (schema: Json) => requestWith(object({ amount: schema }));

  it("number → integer is narrowed (breaking); integer → number is widened (non-breaking); string → object is changed (breaking)", () => {
    expect(rules(amount({ type: "number" }), amount({ type: "integer" }))).toEqual(["request-type-narrowed:breaking"]);
    expect(rules(amount({ type: "integer" }), amount({ type: "number" }))).toEqual(["request-type-widened:non-breaking"]);
    expect(rules(amount({ type: "string" }), amount({ type: "object" }))).toEqual(["request-type-changed:breaking"]);
    expect(rules(amount({}), amount({ type: "string" }))).toEqual(["request-type-narrowed:breaking"]);
    expect(rules(amount({ type: ["string", "integer"] }), amount({ type: "string" }))).toEqual(["request-type-narrowed:breaking"]);
  });

  it("string → enum is restricted (breaking); enum → string is unrestricted (non-breaking)", () => {
    expect(rules(amount({ type: "string" }), amount({ type: "string", enum: ["usd", "eur"] }))).toEqual(["request-enum-restricted:breaking"]);
    expect(rules(amount({ type: "string", enum: ["usd", "eur"] }), amount({ type: "string" }))).toEqual(["request-enum-unrestricted:non-breaking"]);
  });

  it("enum values removed are breaking, added are not; order does not matter", () => {
    expect(rules(amount({ enum: ["a", "b"] }), amount({ enum: ["a"] }))).toEqual(["request-enum-value-removed:breaking"]);
    expect(rules(amount({ enum: ["a"] }), amount({ enum: ["a", "b"] }))).toEqual(["request-enum-value-added:non-breaking"]);
    expect(rules(amount({ enum: ["a", "b"] }), amount({ enum: ["b", "a"] }))).toEqual([]);
  });

  it.each([
    ["maxLength lowered", { type: "string", maxLength: 10 }, { type: "string", maxLength: 5 }],
    ["maxLength added", { type: "string" }, { type: "string", maxLength: 5 }],
    ["minLength raised", { type: "string" }, { type: "string", minLength: 2 }],
    ["minimum raised", { type: "integer", minimum: 0 }, { type: "integer", minimum: 1 }],
    ["maximum lowered", { type: "integer", maximum: 100 }, { type: "integer", maximum: 50 }],
    ["maximum made exclusive (3.0)", { type: "integer", maximum: 100 }, { type: "integer", maximum: 100, exclusiveMaximum: true }],
    ["exclusiveMinimum raised (3.1)", { type: "number", exclusiveMinimum: 0 }, { type: "number", exclusiveMinimum: 1 }],
    ["pattern added", { type: "string" }, { type: "string", pattern: "^[a-z]+$" }],
    ["pattern changed", { type: "string", pattern: "^[a-z]+$" }, { type: "string", pattern: "^[a-f]+$" }],
    ["format added", { type: "string" }, { type: "string", format: "date-time" }],
    ["int64 → int32", { type: "integer", format: "int64" }, { type: "integer", format: "int32" }],
    ["multipleOf added", { type: "integer" }, { type: "integer", multipleOf: 5 }],
    ["maxItems lowered", { type: "array", maxItems: 10 }, { type: "array", maxItems: 5 }],
    ["uniqueItems required", { type: "array" }, { type: "array", uniqueItems: true }],
  ])("%s: request-constraint-narrowed (breaking), and back: request-constraint-widened", (_name, before, after) => {
    expect(rules(amount(before), amount(after))).toEqual(["request-constraint-narrowed:breaking"]);
    const back = rules(amount(after), amount(before));
    if (_name === "pattern changed") expect(back).toEqual(["request-constraint-narrowed:breaking"]); // no way to tell which accepts more
    else expect(back).toEqual(["request-constraint-widened:non-breaking"]);
  });

  it("null: accepting it is non-breaking, refusing it is breaking; 3.0 nullable, 3.1 type arrays and anyOf null agree", () => {
    expect(rules(amount({ type: "string", nullable: true }), amount({ type: "string" }))).toEqual(["request-nullable-removed:breaking"]);
    expect(rules(amount({ type: "string" }), amount({ type: "string", nullable: true }))).toEqual(["request-nullable-added:non-breaking"]);
    expect(rules(amount({ type: "string", nullable: true }), amount({ type: ["string", "null"] }))).toEqual([]);
    expect(rules(amount({ type: "string", nullable: true }), amount({ anyOf: [{ type: "string" }, { type: "null" }] }))).toEqual([]);
  });

  it("additionalProperties: refusing them is breaking, allowing them is not", () => {
    expect(rules(requestWith(object({})), requestWith(object({}, [], { additionalProperties: false })))).toEqual(["request-additional-properties-restricted:breaking"]);
    expect(rules(requestWith(object({}, [], { additionalProperties: false })), requestWith(object({}, [], { additionalProperties: true })))).toEqual([
      "request-additional-properties-allowed:non-breaking",
    ]);
    expect(rules(requestWith(object({}, [], { additionalProperties: { type: "number" } })), requestWith(object({}, [], { additionalProperties: { type: "integer" } })))).toEqual([
      "request-type-narrowed:breaking",
    ]);
  });

  it("oneOf: a variant removed is breaking, added is not; a plain schema facing a oneOf is one of its variants", () => {
    const card = { type: "object", properties: { last4: { type: "string" } } };
    const bank = { type: "object", properties: { iban: { type: "string" } } };
    const wallet = { type: "object", properties: { provider: { type: "string" } } };
    const components = { Card: card, Bank: bank, Wallet: wallet };
    const oneOf = (...names: string[]) => requestWith({ oneOf: names.map((name) => ({ $ref: `#/components/schemas/${name}` })) }, components);
    // One variant left: the schema is that variant, and the other one is refused.
    expect(rules(oneOf("Card", "Bank"), oneOf("Card"))).toEqual(["request-variant-removed:breaking"]);
    expect(rules(oneOf("Card"), oneOf("Card", "Bank"))).toEqual(["request-variant-added:non-breaking"]);
    expect(rules(oneOf("Card", "Bank", "Wallet"), oneOf("Card", "Wallet"))).toEqual(["request-variant-removed:breaking"]);
    expect(rules(oneOf("Card", "Wallet"), oneOf("Card", "Bank", "Wallet"))).toEqual(["request-variant-added:non-breaking"]);
    expect(rules(oneOf("Card", "Bank"), oneOf("Card", "Wallet")).sort()).toEqual(["request-variant-added:non-breaking", "request-variant-removed:breaking"]);
    expect(rules(amount({ type: "string" }), amount({ oneOf: [{ type: "string" }, { type: "integer" }] }))).toEqual(["request-variant-added:non-breaking"]);
    expect(rules(amount({ oneOf: [{ type: "string" }, { type: "integer" }] }), amount({ oneOf: [{ type: "string" }, { type: "number" }] }))).toEqual([
      "request-type-widened:non-breaking",
    ]);
  });

  it("sees through allOf: a property moved between members or a $ref wrapped in allOf is no change", () => {
    const components = { Base: object({ id: { type: "string" } }) };
    const before = requestWith(object({ id: { type: "string" }, name: { type: "string" } }, ["id"]), components);
    const after = requestWith({ allOf: [{ $ref: "#/components/schemas/Base" }, object({ name: { type: "string" } }, ["id"])] }, components);
    expect(rules(before, after)).toEqual([]);
    const ref = { $ref: "#/components/schemas/Base" };
    expect(rules(requestWith(object({ base: ref }), components), requestWith(object({ base: { allOf: [ref], description: "The base." } }), components))).toEqual([
      "description-changed:annotation",
    ]);
  });

  it("array items are compared", () => {
    expect(rules(amount({ type: "array", items: { type: "number" } }), amount({ type: "array", items: { type: "integer" } }))).toEqual(["request-type-narrowed:breaking"]);
  });
});

describe("responses", () => {
  const statuses = (...codes: string[]) => doc({ "/a": { get: { responses: Object.fromEntries(codes.map((code) => [code, { description: code }])) } } });

  it("a success status removed is breaking; a new status or a removed error status is not", () => {
    expect(rules(statuses("200", "404"), statuses("404"))).toEqual(["response-success-status-removed:breaking"]);
    expect(rules(statuses("404"), statuses("200", "404"))).toEqual(["response-status-added:non-breaking"]);
    expect(rules(statuses("200", "404"), statuses("200"))).toEqual(["response-status-removed:non-breaking"]);
  });

  it("a property removed is breaking; a new property is not", () => {
    expect(rules(responseWith(object({ id: { type: "string" }, email: { type: "string" } })), responseWith(object({ id: { type: "string" } })))).toEqual([
      "response-property-removed:breaking",
    ]);
    expect(rules(responseWith(object({ id: { type: "string" } })), responseWith(object({ id: { type: "string" }, email: { type: "string" } })))).toEqual([
      "response-property-added:non-breaking",
    ]);
  });

  const field = (schema: Json, required: string[] = []) => responseWith(object({ field: schema }, required));

  it("a type changed or widened is breaking; narrowed is not", () => {
    expect(rules(field({ type: "integer" }), field({ type: "string" }))).toEqual(["response-type-changed:breaking"]);
    expect(rules(field({ type: "integer" }), field({ type: "number" }))).toEqual(["response-type-widened:breaking"]);
    expect(rules(field({ type: "number" }), field({ type: "integer" }))).toEqual(["response-type-narrowed:non-breaking"]);
  });

  it("becoming nullable is breaking; no longer nullable is not", () => {
    expect(rules(field({ type: "string" }), field({ type: "string", nullable: true }))).toEqual(["response-nullable-added:breaking"]);
    expect(rules(field({ type: "string", nullable: true }), field({ type: "string" }))).toEqual(["response-nullable-removed:non-breaking"]);
  });

  it("a required property becoming optional is breaking; the reverse is not", () => {
    expect(rules(field({ type: "string" }, ["field"]), field({ type: "string" }))).toEqual(["response-property-became-optional:breaking"]);
    expect(rules(field({ type: "string" }), field({ type: "string" }, ["field"]))).toEqual(["response-property-became-required:non-breaking"]);
  });

  it("an enum value added to a response is breaking (exhaustive switches); removed is not", () => {
    expect(rules(field({ enum: ["a"] }), field({ enum: ["a", "b"] }))).toEqual(["response-enum-value-added:breaking"]);
    expect(rules(field({ enum: ["a", "b"] }), field({ enum: ["a"] }))).toEqual(["response-enum-value-removed:non-breaking"]);
    expect(rules(field({ type: "string", enum: ["a"] }), field({ type: "string" }))).toEqual(["response-enum-unrestricted:breaking"]);
    expect(rules(field({ type: "string" }), field({ type: "string", enum: ["a"] }))).toEqual(["response-enum-restricted:non-breaking"]);
  });

  it("bounds, patterns and formats of responses are non-breaking both ways", () => {
    expect(rules(field({ type: "string", maxLength: 10 }), field({ type: "string", maxLength: 20 }))).toEqual(["response-constraint-changed:non-breaking"]);
    expect(rules(field({ type: "string", maxLength: 20 }), field({ type: "string", maxLength: 10 }))).toEqual(["response-constraint-changed:non-breaking"]);
  });

  it("ignores writeOnly properties in responses", () => {
    expect(rules(responseWith(object({ password: { type: "string", writeOnly: true } })), responseWith(object({})))).toEqual([]);
  });

  it("a new variant is breaking; a removed variant is not", () => {
    const variants = (...types: string[]) => field({ oneOf: types.map((type) => ({ type })) });
    expect(rules(variants("string", "integer"), variants("string", "integer", "boolean"))).toEqual(["response-variant-added:breaking"]);
    expect(rules(variants("string", "integer", "boolean"), variants("string", "integer"))).toEqual(["response-variant-removed:non-breaking"]);
  });

  it("a media type removed is breaking; added is not", () => {
    const media = (...types: string[]) => doc({ "/a": { get: { responses: { "200": { description: "OK", content: Object.fromEntries(types.map((t) => [t, { schema: { type: "object" } }])) } } } } });
    expect(rules(media("application/json", "text/csv"), media("application/json"))).toEqual(["response-media-type-removed:breaking"]);
    expect(rules(media("application/json"), media("application/json", "text/csv"))).toEqual(["response-media-type-added:non-breaking"]);
  });

  it("a header removed is breaking; added is not; its schema is compared", () => {
    const headers = (h: Json) => doc({ "/a": { get: { responses: { "200": { description: "OK", headers: h } } } } });
    const rate = { "X-Rate-Limit": { schema: { type: "integer" } } };
    expect(rules(headers(rate), headers({}))).toEqual(["response-header-removed:breaking"]);
    expect(rules(headers({}), headers(rate))).toEqual(["response-header-added:non-breaking"]);
    expect(rules(headers(rate), headers({ "x-rate-limit": { schema: { type: "number" } } }))).toEqual(["response-type-widened:breaking"]);
  });

  it("the same schema is judged by direction: removing a property breaks its readers, not its writers", () => {
    const paths = {
      "/a": {
        post: {
          requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
          responses: { "200": { description: "OK", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } } },
        },
      },
    };
    const thing = (properties: Json) => ({ components: { schemas: { Thing: object(properties) } } });
    const changes = diffSpecs(doc(paths, thing({ id: { type: "string" }, memo: { type: "string" } })), doc(paths, thing({ id: { type: "string" } }))).changes;
    expect(changes.map((c) => `${c.rule}:${c.kind}:${c.operation}`)).toEqual(["request-property-removed:non-breaking:POST /a", "response-property-removed:breaking:POST /a"]);
  });
});

describe("security", () => {
  const schemes = { securitySchemes: { key: { type: "apiKey", in: "header", name: "X-Key" }, oauth: { type: "oauth2", flows: {} } } };
  const withSecurity = (global: unknown, operation?: unknown, components: Json = schemes) =>
    doc({ "/a": { get: { ...(operation === undefined ? {} : { security: operation }), responses: ok } } }, { components, ...(global === undefined ? {} : { security: global }) });

  it("a global requirement added is breaking; removed is not", () => {
    const changes = diffSpecs(withSecurity(undefined), withSecurity([{ key: [] }])).changes;
    expect(changes).toEqual([expect.objectContaining({ rule: "security-added", kind: "breaking", operation: null, pointer: "/security" })]);
    expect(rules(withSecurity([{ key: [] }]), withSecurity(undefined))).toEqual(["security-removed:non-breaking"]);
  });

  it("an operation's own requirement added is breaking; `security: []` (anonymous) is non-breaking", () => {
    expect(rules(withSecurity(undefined), withSecurity(undefined, [{ key: [] }]))).toEqual(["security-added:breaking"]);
    expect(rules(withSecurity([{ key: [] }]), withSecurity([{ key: [] }], []))).toEqual(["security-removed:non-breaking"]);
    expect(rules(withSecurity([{ key: [] }], []), withSecurity([{ key: [] }]))).toEqual(["security-added:breaking"]);
    expect(rules(withSecurity([{ key: [] }]), withSecurity([{ key: [] }], [{ key: [] }]))).toEqual([]);
  });

  it("a changed requirement is breaking: the old way is refused (the new way is non-breaking by itself)", () => {
    expect(rules(withSecurity([{ key: [] }]), withSecurity([{ oauth: [] }])).sort()).toEqual(["security-alternative-added:non-breaking", "security-alternative-removed:breaking"]);
    expect(rules(withSecurity([{ key: [] }]), withSecurity([{ key: [] }, { oauth: [] }]))).toEqual(["security-alternative-added:non-breaking"]);
    expect(rules(withSecurity([{ key: [] }]), withSecurity([{ key: [], oauth: [] }])).sort()).toEqual(["security-alternative-added:non-breaking", "security-alternative-removed:breaking"]);
  });

  it("scopes added are breaking; removed are not", () => {
    expect(rules(withSecurity([{ oauth: ["read"] }]), withSecurity([{ oauth: ["read", "write"] }]))).toEqual(["security-scopes-added:breaking"]);
    expect(rules(withSecurity([{ oauth: ["read", "write"] }]), withSecurity([{ oauth: ["read"] }]))).toEqual(["security-scopes-removed:non-breaking"]);
  });

  it("a scheme's type or location changed is breaking", () => {
    const key = (scheme: Json) => ({ securitySchemes: { key: scheme } });
    expect(rules(withSecurity([{ key: [] }], undefined, key({ type: "apiKey", in: "header", name: "X-Key" })), withSecurity([{ key: [] }], undefined, key({ type: "http", scheme: "bearer" })))).toEqual([
      "security-scheme-changed:breaking",
    ]);
    expect(rules(withSecurity([{ key: [] }], undefined, key({ type: "apiKey", in: "header", name: "X-Key" })), withSecurity([{ key: [] }], undefined, key({ type: "apiKey", in: "query", name: "key" })))).toEqual([
      "security-scheme-changed:breaking",
    ]);
    expect(rules(withSecurity([{ key: [] }], undefined, key({ type: "http", scheme: "Bearer" })), withSecurity([{ key: [] }], undefined, key({ type: "http", scheme: "bearer", description: "JWT" })))).toEqual([]);
  });
});

describe("annotations", () => {
  it("servers changed, globally or on an operation", () => {
    const global = (url: string) => doc({}, { servers: [{ url }] });
    expect(rules(global("https://a.example/v1"), global("https://a.example/v2"))).toEqual(["servers-changed:annotation"]);
    const own = (url: string) => doc({ "/a": { get: { servers: [{ url }], responses: ok } } });
    expect(diffSpecs(own("https://a.example"), own("https://b.example")).changes).toEqual([expect.objectContaining({ rule: "servers-changed", operation: "GET /a" })]);
  });

  it("descriptions, summaries and examples", () => {
    const described = (summary: string, description: string, example: unknown) =>
      doc({ "/a": { get: { summary, description, responses: { "200": { description: "OK", content: { "application/json": { example } } } } } } });
    expect(rules(described("A", "B", 1), described("A2", "B2", 2))).toEqual(["summary-changed:annotation", "description-changed:annotation", "example-changed:annotation"]);
    expect(rules(requestWith(object({ a: { type: "string", description: "x" } })), requestWith(object({ a: { type: "string", description: "y" } })))).toEqual(["description-changed:annotation"]);
  });

  it("compares named examples through their $refs, once per shared example", () => {
    const withExample = (value: unknown) =>
      doc(
        {
          "/a": { get: { responses: { "200": { description: "OK", content: { "application/json": { examples: { one: { $ref: "#/components/examples/one" } } } } } } } },
          "/b": { get: { responses: { "200": { description: "OK", content: { "application/json": { examples: { one: { $ref: "#/components/examples/one" } } } } } } } },
        },
        { components: { examples: { one: { value } } } },
      );
    expect(diffSpecs(withExample({ id: 1 }), withExample({ id: 1 })).changes).toEqual([]);
    expect(diffSpecs(withExample({ id: 1 }), withExample({ id: 2 })).changes).toEqual([
      expect.objectContaining({ rule: "example-changed", operation: null, operations: ["GET /a", "GET /b"], pointer: "/components/examples/one" }),
    ]);
  });

  it("property-deprecated", () => {
    expect(rules(responseWith(object({ a: { type: "string" } })), responseWith(object({ a: { type: "string", deprecated: true } })))).toEqual(["property-deprecated:annotation"]);
  });
});

describe("$refs", () => {
  const tree = (valueType: string) => ({
    Node: object({ value: { type: valueType }, children: { type: "array", items: { $ref: "#/components/schemas/Node" } }, parent: { $ref: "#/components/schemas/Node" } }),
  });

  it("walks circular schemas without hanging and reports a change inside the cycle once", () => {
    const changes = diffSpecs(responseWith({ $ref: "#/components/schemas/Node" }, tree("integer")), responseWith({ $ref: "#/components/schemas/Node" }, tree("number"))).changes;
    expect(changes).toEqual([expect.objectContaining({ rule: "response-type-widened", pointer: "/components/schemas/Node/properties/value/type", operation: "GET /things" })]);
  });

  it("survives mutual recursion, ref loops, dangling and external refs", () => {
    const mutual = { A: object({ b: { $ref: "#/components/schemas/B" } }), B: object({ a: { $ref: "#/components/schemas/A" } }) };
    expect(rules(requestWith({ $ref: "#/components/schemas/A" }, mutual), requestWith({ $ref: "#/components/schemas/A" }, mutual))).toEqual([]);
    const loop = { X: { $ref: "#/components/schemas/Y" }, Y: { $ref: "#/components/schemas/X" } };
    expect(() => diffSpecs(requestWith({ $ref: "#/components/schemas/X" }, loop), requestWith({ $ref: "#/components/schemas/X" }, {}))).not.toThrow();
    expect(rules(requestWith({ $ref: "https://169.254.169.254/latest" }), requestWith({ $ref: "file:///etc/passwd" }))).toEqual([]);
    expect(rules(requestWith({ $ref: "#/components/schemas/Missing" }), requestWith({ $ref: "#/components/schemas/Missing" }))).toEqual([]);
  });

  it("follows a renamed component: same shape, no change", () => {
    const card = object({ last4: { type: "string" } });
    expect(rules(requestWith({ $ref: "#/components/schemas/Card" }, { Card: card }), requestWith({ $ref: "#/components/schemas/PaymentCard" }, { PaymentCard: card }))).toEqual([]);
  });

  it("resolves refs to parameters, request bodies, responses and path items, percent-encoded too", () => {
    const before = doc(
      { "/a": { $ref: "#/components/pathItems/a" } },
      { components: { pathItems: { a: { get: { requestBody: { $ref: "#/components/requestBodies/b" }, responses: { "200": { $ref: "#/components/responses/r%20one" } } } } }, requestBodies: { b: { content: { "application/json": { schema: { type: "number" } } } } }, responses: { "r one": { description: "OK", content: { "application/json": { schema: object({ gone: { type: "string" } }) } } } } } },
    );
    const after = doc({ "/a": { get: { requestBody: { content: { "application/json": { schema: { type: "integer" } } } }, responses: { "200": { description: "OK", content: { "application/json": { schema: object({}) } } } } } } });
    expect(rules(before, after)).toEqual(["request-type-narrowed:breaking", "response-property-removed:breaking"]);
  });

  it("compares a shared component once and reports its changes once, naming every operation", () => {
    const user = (login: string) => ({ User: object({ [login]: { type: "string" } }) });
    const paths = Object.fromEntries(
      ["a", "b", "c"].map((name) => [`/${name}`, { get: { responses: { "200": { description: "OK", content: { "application/json": { schema: { $ref: "#/components/schemas/User" } } } } } } }]),
    );
    const changes = diffSpecs(doc(paths, { components: { schemas: user("login") } }), doc(paths, { components: { schemas: user("name") } })).changes;
    expect(changes.map((c) => [c.rule, c.operation, c.operations])).toEqual([
      ["response-property-removed", null, ["GET /a", "GET /b", "GET /c"]],
      ["response-property-added", null, ["GET /a", "GET /b", "GET /c"]],
    ]);
  });

  it("compares each schema pair once, however many operations and places reach it", () => {
    let reads = 0;
    const user = { type: "object" } as Json;
    Object.defineProperty(user, "properties", { enumerable: true, get: () => (reads++, { login: { type: "string" } }) });
    const ref = { $ref: "#/components/schemas/User" };
    const answer = { "200": { description: "OK", content: { "application/json": { schema: object({ owner: ref, author: ref, members: { type: "array", items: ref } }) } } } };
    const paths = Object.fromEntries(["a", "b", "c"].map((name) => [`/${name}`, { get: { responses: answer }, put: { requestBody: { content: { "application/json": { schema: ref } } }, responses: answer } }]));
    const after = doc(paths, { components: { schemas: { User: object({ login: { type: "string" } }) } } });
    diffSpecs(doc(paths, { components: { schemas: { User: user } } }), after);
    expect(reads).toBe(2); // once as a response, once as a request
  });

  it("stays fast on a dense graph of mutually recursive schemas", () => {
    const schemas = (type: string) =>
      Object.fromEntries(
        Array.from({ length: 300 }, (_, i) => [
          `S${i}`,
          object({ value: { type }, ...Object.fromEntries(Array.from({ length: 8 }, (_, j) => [`link${j}`, { $ref: `#/components/schemas/S${(i * 7 + j * 13 + 1) % 300}` }])) }),
        ]),
      );
    const paths = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`/s${i}`, { get: { responses: { "200": { description: "OK", content: { "application/json": { schema: { $ref: `#/components/schemas/S${i}` } } } } } } }]),
    );
    const report = diffSpecs(doc(paths, { components: { schemas: schemas("integer") } }), doc(paths, { components: { schemas: schemas("number") } }));
    expect(report.changes).toHaveLength(300);
    expect(report.changes.every((c) => c.rule === "response-type-widened" && c.operations?.length === 300)).toBe(true);
    expect(report.durationMs).toBeLessThan(5_000);
  });

  it("finds a change 3,000 levels down, without recursion limits", () => {
    const nested = (leafType: string) => {
      let schema: Json = { type: leafType };
      for (let i = 0; i < 3000; i++) schema = object({ next: schema });
      return schema;
    };
    const changes = diffSpecs(responseWith(nested("integer")), responseWith(nested("string"))).changes;
    expect(changes.map((c) => c.rule)).toEqual(["response-type-changed"]);
    expect(changes[0].pointer.split("/properties/next")).toHaveLength(3001);
  });

  it("reads OpenAPI 3.1 documents", () => {
    const v31 = (type: unknown) => ({ ...requestWith(object({ a: { type } })), openapi: "3.1.0" }) as OpenApiDocument;
    expect(rules(v31(["integer", "null"]), v31("integer"))).toEqual(["request-nullable-removed:breaking"]);
  });
});

describe("messages", () => {
  it("name things in code spans without letting names break out of them", () => {
    const [change] = diffSpecs(responseWith(object({ "a`b": { type: "string" } })), responseWith(object({}))).changes;
    expect(change.message).toBe("Property `a'b` in response 200 was removed.");
  });
});

function loadFixture(name: string): OpenApiDocument {
  return parse(readFileSync(fileURLToPath(new URL(`./diff-fixtures/${name}`, import.meta.url)), "utf8")) as OpenApiDocument;
}

describe("the payments fixture (v1 → v2: one change of every rule)", () => {
  const report = diffSpecs(loadFixture("payments-v1.yaml"), loadFixture("payments-v2.yaml"));

  it("fires every rule, each with its declared kind", () => {
    expect(new Set(report.changes.map((c) => c.rule))).toEqual(new Set(Object.keys(DIFF_RULES)));
    for (const change of report.changes) expect(change.kind).toBe(DIFF_RULES[change.rule as keyof typeof DIFF_RULES].kind);
  });

  it("counts kinds", () => {
    const count = (kind: string) => report.changes.filter((c) => c.kind === kind).length;
    expect([report.breaking, report.nonBreaking, report.annotation]).toEqual([count("breaking"), count("non-breaking"), count("annotation")]);
    expect(report.breaking + report.nonBreaking + report.annotation).toBe(report.changes.length);
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("gives each change a pointer that exists in the new document, or the old one for removals", () => {
    const before = loadFixture("payments-v1.yaml");
    const after = loadFixture("payments-v2.yaml");
    const exists = (document: unknown, pointer: string) =>
      pointer
        .split("/")
        .slice(1)
        .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"))
        .reduce<unknown>((node, token) => (node && typeof node === "object" && token in node ? (node as Json)[token] : undefined), document) !== undefined;
    for (const change of report.changes) {
      expect(exists(after, change.pointer) || exists(before, change.pointer), `${change.rule} ${change.pointer}`).toBe(true);
    }
  });

  it("renders the changelog", async () => {
    await expect(changelogMarkdown(report, "1.0.0", "2.0.0")).toMatchFileSnapshot("./diff-fixtures/payments-changelog.md");
  });

  it("diffs the other way without trouble", () => {
    const back = diffSpecs(loadFixture("payments-v2.yaml"), loadFixture("payments-v1.yaml"));
    expect(back.changes.map((c) => c.rule)).toEqual(expect.arrayContaining(["operation-removed", "operation-added", "response-enum-value-removed", "request-enum-value-added"]));
  });
});

describe("groupByOperation and changelogMarkdown", () => {
  const change = (operation: string | null, kind: SpecChange["kind"], message: string, operations?: string[]): SpecChange => ({
    kind, rule: "x", operation, pointer: "", message, ...(operations ? { operations } : {}),
  });
  const reportOf = (changes: SpecChange[]): DiffReport => ({
    changes,
    breaking: changes.filter((c) => c.kind === "breaking").length,
    nonBreaking: changes.filter((c) => c.kind === "non-breaking").length,
    annotation: changes.filter((c) => c.kind === "annotation").length,
    durationMs: 1,
  });

  it("groups by operation in order of first appearance", () => {
    const changes = [change("GET /a", "breaking", "1"), change(null, "annotation", "2"), change("GET /b", "breaking", "3"), change("GET /a", "annotation", "4")];
    expect(groupByOperation(changes).map((g) => [g.operation, g.changes.map((c) => c.message)])).toEqual([
      ["GET /a", ["1", "4"]],
      [null, ["2"]],
      ["GET /b", ["3"]],
    ]);
  });

  it("writes Breaking changes / New / Other, then operations, and lists what a shared change affects", () => {
    const markdown = changelogMarkdown(
      reportOf([
        change("GET /a", "annotation", "Summary changed."),
        change("GET /a", "breaking", "Gone."),
        change(null, "breaking", "Shared.", ["GET /1", "GET /2", "GET /3", "GET /4", "GET /5", "GET /6", "GET /7"]),
        change("POST /b", "non-breaking", "New thing."),
      ]),
      "1.0.0",
      "2.0.0",
    );
    expect(markdown).toBe(
      [
        "## 2.0.0",
        "",
        "Changes since 1.0.0.",
        "",
        "### Breaking changes",
        "",
        "#### `GET /a`",
        "",
        "- Gone.",
        "",
        "#### Whole API and shared definitions",
        "",
        "- Shared. (affects `GET /1`, `GET /2`, `GET /3`, `GET /4`, `GET /5` and 2 more)",
        "",
        "### New",
        "",
        "#### `POST /b`",
        "",
        "- New thing.",
        "",
        "### Other",
        "",
        "#### `GET /a`",
        "",
        "- Summary changed.",
        "",
      ].join("\n"),
    );
  });

  it("says so when nothing changed", () => {
    expect(changelogMarkdown(reportOf([]), "1.0.0", "1.0.1")).toContain("No changes to the API description.");
  });
});

// Real successive versions of a large API, when `npm run fixtures:fetch` has
// put them in .fixtures/ (git-ignored). A check of correctness and of the
// memory and time bounds, not a benchmark.
const ghes = (version: string) => fileURLToPath(new URL(`../../.fixtures/ghes-${version}.json`, import.meta.url));
// `npm test` fetches them first; run `npm run fixtures:fetch` before running this file alone.
describe("GitHub Enterprise Server 3.18 → 3.19", () => {
  it("diffs ~1,000 operations in a few seconds, every change classified", { timeout: 60_000 }, () => {
    const before = JSON.parse(readFileSync(ghes("3.18"), "utf8")) as OpenApiDocument;
    const after = JSON.parse(readFileSync(ghes("3.19"), "utf8")) as OpenApiDocument;
    const report = diffSpecs(before, after);
    expect(report.durationMs).toBeLessThan(10_000);
    for (const change of report.changes) expect(Object.keys(DIFF_RULES)).toContain(change.rule);
    // 3.19 only adds operations, and removes none.
    expect(report.changes.filter((c) => c.rule === "operation-removed")).toEqual([]);
    expect(report.changes.filter((c) => c.rule === "operation-added").length).toBeGreaterThan(0);
  });
});
