// Every governance rule a platform admin can switch on or off, with its
// default severity. Kept free of the lint engine so a page can import it.
//
// Two kinds:
// - "portico": Portico's own rules (lib/specs/portico-rules.ts). Three of
//   them replace Redocly built-ins of the same name, which are switched off.
// - "redocly": the rules of @redocly/openapi-core's `recommended` ruleset
//   (OpenAPI 3.0 and 3.1), at its severities, and the ones it leaves off.
//   A rule that exists for one OpenAPI version only applies to that one.
// Not listed, because they cannot be switched off: `struct` (the document's
// structure against the OpenAPI schema) and `no-unresolved-refs`. Both are
// always errors. Redocly rules that need settings to mean anything
// (allowed MIME types, required headers or properties) are not offered.

export type RuleSeverity = "error" | "warn" | "off";

/** Severity per rule id; a rule that is missing keeps its default. */
export type RuleSettings = Record<string, RuleSeverity>;

export interface GovernanceRule {
  id: string;
  description: string;
  defaultSeverity: RuleSeverity;
  source: "portico" | "redocly";
}

/** Rules that are always on, as errors: what makes a document valid OpenAPI. */
export const STRUCTURAL_RULES = ["struct", "no-unresolved-refs"] as const;

export const PORTICO_RULES: GovernanceRule[] = [
  // Portico's own.
  { id: "operation-operationId", source: "portico", defaultSeverity: "error", description: "Every operation has an operationId (clients, docs links and the changelog name operations by it)." },
  { id: "operation-summary", source: "portico", defaultSeverity: "warn", description: "Every operation has a summary, shown in the catalog and the docs." },
  { id: "security-defined", source: "portico", defaultSeverity: "warn", description: "A security scheme is declared, every security requirement names a declared scheme, and every operation is covered by one (or opts out with `security: []`)." },
  { id: "operation-2xx-response-schema", source: "portico", defaultSeverity: "warn", description: "Every 2xx response that has content gives a schema for each media type." },
  { id: "info-version-semver", source: "portico", defaultSeverity: "warn", description: "info.version is a semantic version (like 1.4.0)." },
  { id: "no-http-servers-public", source: "portico", defaultSeverity: "error", description: "A PUBLIC API lists no plain http:// servers (loopback addresses excepted)." },

  // Redocly's recommended ruleset.
  { id: "info-license", source: "redocly", defaultSeverity: "warn", description: "info has a license." },
  { id: "info-license-strict", source: "redocly", defaultSeverity: "warn", description: "The license has a URL or an SPDX identifier." },
  { id: "no-ambiguous-paths", source: "redocly", defaultSeverity: "warn", description: "No two paths can match the same request." },
  { id: "no-duplicated-enum-values", source: "redocly", defaultSeverity: "warn", description: "enum lists have no duplicate values." },
  { id: "no-duplicated-tag-names", source: "redocly", defaultSeverity: "warn", description: "Tag names are unique." },
  { id: "no-empty-servers", source: "redocly", defaultSeverity: "error", description: "The document lists at least one server." },
  { id: "no-enum-type-mismatch", source: "redocly", defaultSeverity: "error", description: "enum values match the schema's type." },
  { id: "no-example-value-and-externalValue", source: "redocly", defaultSeverity: "error", description: "An example has `value` or `externalValue`, not both." },
  { id: "no-identical-paths", source: "redocly", defaultSeverity: "error", description: "No two paths differ only in their parameter names." },
  { id: "no-illogical-composition-keywords", source: "redocly", defaultSeverity: "warn", description: "allOf/anyOf/oneOf are not used in ways that can never validate or mean nothing." },
  { id: "no-invalid-media-type-examples", source: "redocly", defaultSeverity: "warn", description: "Request and response examples are valid against their schemas." },
  { id: "no-invalid-parameter-examples", source: "redocly", defaultSeverity: "warn", description: "Parameter examples are valid against their schemas." },
  { id: "no-invalid-schema-examples", source: "redocly", defaultSeverity: "warn", description: "Schema examples are valid against their schemas." },
  { id: "no-mixed-number-range-constraints", source: "redocly", defaultSeverity: "warn", description: "A schema does not mix minimum with exclusiveMinimum (or maximum with exclusiveMaximum). OpenAPI 3.1." },
  { id: "no-path-trailing-slash", source: "redocly", defaultSeverity: "error", description: "Paths do not end with a slash." },
  { id: "no-required-schema-properties-undefined", source: "redocly", defaultSeverity: "warn", description: "Every required property is defined." },
  { id: "no-schema-type-mismatch", source: "redocly", defaultSeverity: "error", description: "items only on arrays, properties only on objects." },
  { id: "no-server-example.com", source: "redocly", defaultSeverity: "warn", description: "No server points at example.com." },
  { id: "no-server-trailing-slash", source: "redocly", defaultSeverity: "error", description: "Server URLs do not end with a slash." },
  { id: "no-server-variables-empty-enum", source: "redocly", defaultSeverity: "error", description: "Server variables do not have an empty enum." },
  { id: "no-undefined-server-variable", source: "redocly", defaultSeverity: "error", description: "Every variable in a server URL is defined." },
  { id: "no-unsafe-markdown", source: "redocly", defaultSeverity: "warn", description: "Descriptions contain no script or other unsafe HTML." },
  { id: "no-unused-components", source: "redocly", defaultSeverity: "warn", description: "Every component is used somewhere." },
  { id: "nullable-type-sibling", source: "redocly", defaultSeverity: "error", description: "`nullable: true` comes with a `type`. OpenAPI 3.0." },
  { id: "operation-2xx-response", source: "redocly", defaultSeverity: "warn", description: "Every operation has a 2xx response." },
  { id: "operation-4xx-response", source: "redocly", defaultSeverity: "warn", description: "Every operation has a 4xx response." },
  { id: "operation-operationId-unique", source: "redocly", defaultSeverity: "error", description: "operationIds are unique." },
  { id: "operation-operationId-url-safe", source: "redocly", defaultSeverity: "error", description: "operationIds contain only URL-safe characters." },
  { id: "operation-parameters-unique", source: "redocly", defaultSeverity: "error", description: "An operation does not list the same parameter twice." },
  { id: "path-declaration-must-exist", source: "redocly", defaultSeverity: "error", description: "Path parameters are not empty (`{}`)." },
  { id: "path-not-include-query", source: "redocly", defaultSeverity: "error", description: "Paths contain no query string." },
  { id: "path-parameters-defined", source: "redocly", defaultSeverity: "error", description: "Every path parameter is declared, and every declared one is in the path." },
  { id: "security-scopes-defined", source: "redocly", defaultSeverity: "warn", description: "OAuth2 scopes used by requirements are declared by their scheme." },
  { id: "spec-components-invalid-map-name", source: "redocly", defaultSeverity: "error", description: "Component names use only the characters the specification allows." },
  { id: "spec-ref-siblings", source: "redocly", defaultSeverity: "warn", description: "No keys beside a $ref where the specification ignores them." },
  { id: "tag-description", source: "redocly", defaultSeverity: "warn", description: "Every tag has a description." },
  // Off in `recommended`, available to switch on.
  { id: "array-parameter-serialization", source: "redocly", defaultSeverity: "off", description: "Array parameters declare style and explode." },
  { id: "boolean-parameter-prefixes", source: "redocly", defaultSeverity: "off", description: "Boolean parameters are named is…/has…." },
  { id: "component-name-unique", source: "redocly", defaultSeverity: "off", description: "Component names are unique across component types." },
  { id: "info-contact", source: "redocly", defaultSeverity: "off", description: "info has a contact." },
  { id: "no-http-verbs-in-paths", source: "redocly", defaultSeverity: "off", description: "Paths contain no HTTP verbs (get, post, …)." },
  { id: "operation-4xx-problem-details-rfc7807", source: "redocly", defaultSeverity: "off", description: "4xx responses use application/problem+json." },
  { id: "operation-description", source: "redocly", defaultSeverity: "off", description: "Every operation has a description." },
  { id: "operation-singular-tag", source: "redocly", defaultSeverity: "off", description: "Every operation has at most one tag." },
  { id: "operation-tag-defined", source: "redocly", defaultSeverity: "off", description: "Operation tags are declared in the top-level tags." },
  { id: "parameter-description", source: "redocly", defaultSeverity: "off", description: "Every parameter has a description." },
  { id: "path-http-verbs-order", source: "redocly", defaultSeverity: "off", description: "Operations of a path are in the usual order." },
  { id: "path-segment-plural", source: "redocly", defaultSeverity: "off", description: "Static path segments are plural." },
  { id: "paths-kebab-case", source: "redocly", defaultSeverity: "off", description: "Path segments are kebab-case." },
  { id: "required-string-property-missing-min-length", source: "redocly", defaultSeverity: "off", description: "Required string properties have a minLength." },
  { id: "scalar-property-missing-example", source: "redocly", defaultSeverity: "off", description: "Scalar properties have an example." },
  { id: "spec-example-values", source: "redocly", defaultSeverity: "off", description: "Example objects are well formed for their specification version." },
  { id: "spec-strict-refs", source: "redocly", defaultSeverity: "off", description: "$ref is used only where the specification allows it." },
  { id: "tags-alphabetical", source: "redocly", defaultSeverity: "off", description: "Top-level tags are in alphabetical order." },
];

const BY_ID = new Map(PORTICO_RULES.map((rule) => [rule.id, rule]));

export function governanceRule(id: string): GovernanceRule | undefined {
  return BY_ID.get(id);
}

/** The severity in force for each rule: the setting if valid, else the default. */
export function effectiveSeverities(settings: RuleSettings = {}): Map<string, RuleSeverity> {
  const result = new Map<string, RuleSeverity>();
  for (const rule of PORTICO_RULES) {
    const configured = Object.hasOwn(settings, rule.id) ? settings[rule.id] : undefined;
    result.set(rule.id, configured === "error" || configured === "warn" || configured === "off" ? configured : rule.defaultSeverity);
  }
  return result;
}
