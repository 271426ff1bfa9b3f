// Builds realistic OpenAPI documents for the demo catalog and the catalog
// benchmark: resources with list/create/get/update/delete operations, schemas,
// pagination, errors and a security scheme.
import type { OpenAPIV3 } from "openapi-types";

export interface SpecBlueprint {
  title: string;
  version: string;
  description: string;
  serverUrl: string;
  /** Plural resource names, e.g. ["charges", "refunds"]. */
  resources: string[];
  /** Extra actions: "POST /charges/{id}/capture Capture an authorised charge". */
  actions?: string[];
  /** Resources to leave out (to make a later version differ). */
  omit?: string[];
  openapi?: "3.0.3" | "3.1.0";
}

const singular = (word: string) => (word.endsWith("ies") ? `${word.slice(0, -3)}y` : word.endsWith("ses") ? word.slice(0, -2) : word.replace(/s$/, ""));
const pascal = (word: string) => word.replace(/(^|[-_ ])(\w)/g, (_m, _s, c: string) => c.toUpperCase());
const camel = (word: string) => pascal(word).replace(/^\w/, (c) => c.toLowerCase());

function resourceSchema(name: string): OpenAPIV3.SchemaObject {
  return {
    type: "object",
    required: ["id", "createdAt"],
    properties: {
      id: { type: "string", description: `Unique identifier of the ${singular(name)}.`, example: `${singular(name).slice(0, 3)}_1NXWPnCo2zX` },
      status: { type: "string", enum: ["active", "pending", "archived"], description: "Lifecycle status." },
      name: { type: "string", maxLength: 200 },
      amount: { type: "integer", format: "int64", minimum: 0, description: "Amount in the smallest currency unit." },
      currency: { type: "string", pattern: "^[A-Z]{3}$", example: "EUR" },
      metadata: { type: "object", additionalProperties: { type: "string" }, description: "Your own key-value pairs." },
      createdAt: { type: "string", format: "date-time" },
    },
  };
}

export function buildSpec(blueprint: SpecBlueprint): OpenAPIV3.Document {
  const paths: OpenAPIV3.PathsObject = {};
  const schemas: Record<string, OpenAPIV3.SchemaObject> = {
    Error: {
      type: "object",
      required: ["type", "title", "status"],
      properties: { type: { type: "string", format: "uri" }, title: { type: "string" }, status: { type: "integer" }, detail: { type: "string" } },
    },
  };
  const errorResponses: OpenAPIV3.ResponsesObject = {
    "401": { description: "Missing or invalid API key.", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Error" } } } },
    "429": { description: "Rate limit exceeded.", headers: { "Retry-After": { schema: { type: "integer" } } } },
  };
  for (const resource of blueprint.resources.filter((r) => !blueprint.omit?.includes(r))) {
    const one = singular(resource);
    const Model = pascal(one);
    schemas[Model] = resourceSchema(resource);
    schemas[`${Model}Input`] = { type: "object", required: ["name"], properties: { name: { type: "string" }, amount: { type: "integer", minimum: 0 }, currency: { type: "string" }, metadata: { type: "object", additionalProperties: { type: "string" } } } };
    const ref = { $ref: `#/components/schemas/${Model}` };
    const tag = pascal(resource).replace(/([a-z])([A-Z])/g, "$1 $2");
    paths[`/${resource}`] = {
      get: {
        operationId: `list${pascal(resource)}`,
        summary: `List ${resource.replace(/-/g, " ")}`,
        description: `Returns ${resource.replace(/-/g, " ")} newest first, a page at a time.`,
        tags: [tag],
        parameters: [
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
          { name: "cursor", in: "query", schema: { type: "string" } },
        ],
        responses: {
          "200": { description: "A page", content: { "application/json": { schema: { type: "object", properties: { items: { type: "array", items: ref }, nextCursor: { type: "string", nullable: true } } } } } },
          ...errorResponses,
        },
      },
      post: {
        operationId: `create${Model}`,
        summary: `Create a ${one.replace(/-/g, " ")}`,
        tags: [tag],
        parameters: [{ name: "Idempotency-Key", in: "header", schema: { type: "string" } }],
        requestBody: { required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${Model}Input` } } } },
        responses: { "201": { description: "Created", content: { "application/json": { schema: ref } } }, ...errorResponses },
      },
    };
    paths[`/${resource}/{id}`] = {
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
      get: { operationId: `get${Model}`, summary: `Retrieve a ${one.replace(/-/g, " ")}`, tags: [tag], responses: { "200": { description: "Found", content: { "application/json": { schema: ref } } }, "404": { description: "Not found" }, ...errorResponses } },
      patch: { operationId: `update${Model}`, summary: `Update a ${one.replace(/-/g, " ")}`, tags: [tag], requestBody: { content: { "application/json": { schema: { $ref: `#/components/schemas/${Model}Input` } } } }, responses: { "200": { description: "Updated", content: { "application/json": { schema: ref } } }, ...errorResponses } },
      delete: { operationId: `delete${Model}`, summary: `Delete a ${one.replace(/-/g, " ")}`, tags: [tag], responses: { "204": { description: "Deleted" }, ...errorResponses } },
    };
  }
  for (const action of blueprint.actions ?? []) {
    const [method, path, ...words] = action.split(" ");
    const summary = words.join(" ");
    const segments = path.split("/").filter((s) => s && !s.startsWith("{"));
    const tag = pascal(segments[0] ?? "default").replace(/([a-z])([A-Z])/g, "$1 $2");
    paths[path] = {
      ...(paths[path] ?? {}),
      [method.toLowerCase()]: {
        operationId: camel(summary.split(" ").slice(0, 4).join("-").replace(/[^\w-]/g, "")),
        summary,
        tags: [tag],
        ...(path.includes("{id}") ? { parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }] } : {}),
        responses: { "200": { description: "Done", content: { "application/json": { schema: { type: "object", additionalProperties: true } } } }, ...errorResponses },
      },
    };
  }
  return {
    openapi: blueprint.openapi ?? "3.0.3",
    info: { title: blueprint.title, version: blueprint.version, description: blueprint.description, contact: { name: "API support", email: "api@example.com" } },
    servers: [{ url: blueprint.serverUrl }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "Authorization", description: "Your Portico API key: `Authorization: Bearer ptk_…`" } },
    },
  };
}
