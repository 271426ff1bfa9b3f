// Portico's own governance rules, as a Redocly plugin ("portico/<rule id>").
// Each rule is a visitor over the OpenAPI 3.x tree; Redocly resolves local
// $refs and tells where each node is.
import semver from "semver";
import type { Oas3Rule, Plugin, UserContext } from "@redocly/openapi-core";

export const PORTICO_PLUGIN_ID = "portico";

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

type Location = UserContext["location"];
type AnyRecord = Record<string, unknown>;

const isRecord = (value: unknown): value is AnyRecord => typeof value === "object" && value !== null && !Array.isArray(value);
const hasText = (value: unknown) => typeof value === "string" && value.trim() !== "";

/**
 * An operation the API serves: under `paths` (or 3.1 `webhooks`), not a
 * callback the API makes to its clients.
 */
function isServedOperation(location: Location): boolean {
  return (location.pointer.startsWith("#/paths/") || location.pointer.startsWith("#/webhooks/")) && !location.pointer.includes("/callbacks/");
}

const methodAndPath = (location: Location) => {
  const parts = location.pointer.split("/");
  const method = parts.at(-1) ?? "";
  const path = (parts.at(-2) ?? "").replace(/~1/g, "/").replace(/~0/g, "~");
  return HTTP_METHODS.has(method) ? `${method.toUpperCase()} ${path}` : "This operation";
};

const operationOperationId: Oas3Rule = () => ({
  Operation(operation, { report, location }) {
    if (!isServedOperation(location) || hasText(operation.operationId)) return;
    report({ message: `${methodAndPath(location)} has no operationId.`, location: location.child(["operationId"]).key() });
  },
});

const operationSummary: Oas3Rule = () => ({
  Operation(operation, { report, location }) {
    if (!isServedOperation(location) || hasText(operation.summary)) return;
    report({ message: `${methodAndPath(location)} has no summary.`, location: location.child(["summary"]).key() });
  },
});

const securityDefined: Oas3Rule = () => {
  const declared = new Set<string>();
  const requirements: { name: string; location: Location }[] = [];
  const uncovered: Location[] = [];
  let rootSecured = false;
  return {
    Root: {
      enter(root) {
        rootSecured = Array.isArray(root.security) && root.security.length > 0;
      },
      leave(root, { report, location }) {
        if (declared.size === 0) {
          const components = isRecord(root.components);
          report({
            message: "No security scheme is declared: add one under components.securitySchemes and require it with `security`.",
            location: components ? location.child(["components"]).key() : location.child(["openapi"]).key(),
          });
        }
        for (const requirement of requirements) {
          if (declared.has(requirement.name)) continue;
          report({ message: `The security requirement names "${requirement.name}", which is not declared in components.securitySchemes.`, location: requirement.location.key() });
        }
        if (declared.size > 0 && !rootSecured) {
          for (const operation of uncovered) {
            report({ message: `${methodAndPath(operation)} is not covered by any security scheme: add \`security\` to it or at the top level (\`security: []\` marks it public on purpose).`, location: operation.key() });
          }
        }
      },
    },
    SecurityScheme(_scheme, { key }) {
      declared.add(String(key));
    },
    SecurityRequirement(requirement, { location }) {
      for (const name of Object.keys(requirement)) requirements.push({ name, location: location.child([name]) });
    },
    Operation(operation, { location }) {
      if (isServedOperation(location) && !Array.isArray(operation.security)) uncovered.push(location);
    },
  };
};

const operation2xxResponseSchema: Oas3Rule = () => {
  const reported = new Set<string>();
  return {
    Operation(operation, { report, location, resolve }) {
      if (!isServedOperation(location) || !isRecord(operation.responses)) return;
      for (const [code, raw] of Object.entries(operation.responses)) {
        if (!/^2(\d\d|XX)$/i.test(code) || !isRecord(raw)) continue;
        const resolved = resolve<AnyRecord>(raw);
        const response = resolved.node;
        // A referenced response is reported once, where it is defined.
        const responseLocation = raw.$ref !== undefined ? resolved.location : location.child(["responses", code]);
        if (!isRecord(response) || !responseLocation || !isRecord(response.content)) continue;
        for (const [mediaType, media] of Object.entries(response.content)) {
          if (isRecord(media) && media.schema !== undefined) continue;
          const where = responseLocation.child(["content", mediaType]);
          if (reported.has(where.pointer)) continue;
          reported.add(where.pointer);
          report({ message: `The ${code} response's ${mediaType} content has no schema (for a file, use type: string, format: binary).`, location: where.key() });
        }
      }
    },
  };
};

const infoVersionSemver: Oas3Rule = () => ({
  Info(info, { report, location }) {
    if (typeof info.version !== "string" || semver.valid(info.version)) return;
    report({ message: `info.version "${info.version}" is not a semantic version (like 1.4.0).`, location: location.child(["version"]) });
  },
});

const LOOPBACK = /^http:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(?=[:/]|$)/i;

const noHttpServersPublic: Oas3Rule = (options: { visibility?: string }) => ({
  Server(server, { report, location }) {
    if (options.visibility !== "PUBLIC" || typeof server.url !== "string") return;
    const url = server.url.trim();
    if (!/^http:\/\//i.test(url) || LOOPBACK.test(url)) return;
    report({ message: `This PUBLIC API lists a plain http:// server (${url}): use https://.`, location: location.child(["url"]) });
  },
});

/** Rule ids without the plugin prefix, as PORTICO_RULES names them. */
export const PORTICO_RULE_IMPLEMENTATIONS: Record<string, Oas3Rule> = {
  "operation-operationId": operationOperationId,
  "operation-summary": operationSummary,
  "security-defined": securityDefined,
  "operation-2xx-response-schema": operation2xxResponseSchema,
  "info-version-semver": infoVersionSemver,
  "no-http-servers-public": noHttpServersPublic,
};

export const porticoPlugin: Plugin = {
  id: PORTICO_PLUGIN_ID,
  rules: { oas3: PORTICO_RULE_IMPLEMENTATIONS },
};
