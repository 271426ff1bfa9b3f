// What an imported ruleset's `extends: spectral:oas` and its overrides of
// spectral:oas rules (`operation-description: error`, `info-license: off`)
// mean in Portico. Portico does not run Spectral's oas ruleset: its built-in
// rules (Redocly's `recommended` plus Portico's own, lib/specs/rule-catalog.ts)
// play that part, and are always on at the severities set on the governance
// page. A spectral:oas rule with a built-in counterpart is mapped onto it; the
// others are reported as not applied, with why.
//
// The mapping table (Spectral rule → Portico/Redocly rule). "≈" marks a
// counterpart that checks nearly, not exactly, the same thing.
//
//   duplicated-entry-in-enum            → no-duplicated-enum-values
//   info-contact                        → info-contact
//   info-license                        → info-license
//   license-url                         → info-license-strict   (≈ url or SPDX identifier)
//   no-$ref-siblings                    → spec-ref-siblings
//   no-eval-in-markdown                 → no-unsafe-markdown    (≈ one rule covers both)
//   no-script-tags-in-markdown          → no-unsafe-markdown    (≈ one rule covers both)
//   openapi-tags-alphabetical           → tags-alphabetical
//   openapi-tags-uniqueness             → no-duplicated-tag-names
//   operation-description               → operation-description
//   operation-operationId               → operation-operationId
//   operation-operationId-unique        → operation-operationId-unique
//   operation-operationId-valid-in-url  → operation-operationId-url-safe
//   operation-parameters                → operation-parameters-unique
//   operation-singular-tag              → operation-singular-tag
//   operation-success-response          → operation-2xx-response (≈ Spectral also accepts 3xx)
//   operation-tag-defined               → operation-tag-defined
//   path-declarations-must-exist        → path-declaration-must-exist
//   path-keys-no-trailing-slash         → no-path-trailing-slash
//   path-not-include-query              → path-not-include-query
//   path-params                         → path-parameters-defined
//   tag-description                     → tag-description
//   typed-enum                          → no-enum-type-mismatch
//   oas3-api-servers                    → no-empty-servers
//   oas3-examples-value-or-externalValue → no-example-value-and-externalValue
//   oas3-operation-security-defined     → security-defined      (≈ Portico's rule also wants every operation covered)
//   oas3-parameter-description          → parameter-description
//   oas3-server-not-example.com         → no-server-example.com
//   oas3-server-trailing-slash          → no-server-trailing-slash
//   oas3-server-variables               → no-undefined-server-variable (≈ defined variables only)
//   oas3-unused-component               → no-unused-components
//   oas3-valid-media-example            → no-invalid-media-type-examples
//   oas3-valid-schema-example           → no-invalid-schema-examples
//
// Not applied: oas3-schema and array-items (structure: always checked, as
// errors, cannot be switched off); info-description, contact-properties,
// openapi-tags, operation-tags, oas3-callbacks-in-callbacks,
// oas3-links-parameters-expression, oas3_1-servers-in-webhook,
// oas3_1-callbacks-in-webhook, oas3_2-* (no counterpart: write them as rules of
// the ruleset); every oas2-* rule (a Swagger 2.0 upload is converted to
// OpenAPI 3 and linted as such).
import { governanceRule, type RuleSeverity } from "@/lib/specs/rule-catalog";

export const SPECTRAL_OAS_MAPPING: Readonly<Record<string, string>> = {
  "duplicated-entry-in-enum": "no-duplicated-enum-values",
  "info-contact": "info-contact",
  "info-license": "info-license",
  "license-url": "info-license-strict",
  "no-$ref-siblings": "spec-ref-siblings",
  "no-eval-in-markdown": "no-unsafe-markdown",
  "no-script-tags-in-markdown": "no-unsafe-markdown",
  "openapi-tags-alphabetical": "tags-alphabetical",
  "openapi-tags-uniqueness": "no-duplicated-tag-names",
  "operation-description": "operation-description",
  "operation-operationId": "operation-operationId",
  "operation-operationId-unique": "operation-operationId-unique",
  "operation-operationId-valid-in-url": "operation-operationId-url-safe",
  "operation-parameters": "operation-parameters-unique",
  "operation-singular-tag": "operation-singular-tag",
  "operation-success-response": "operation-2xx-response",
  "operation-tag-defined": "operation-tag-defined",
  "path-declarations-must-exist": "path-declaration-must-exist",
  "path-keys-no-trailing-slash": "no-path-trailing-slash",
  "path-not-include-query": "path-not-include-query",
  "path-params": "path-parameters-defined",
  "tag-description": "tag-description",
  "typed-enum": "no-enum-type-mismatch",
  "oas3-api-servers": "no-empty-servers",
  "oas3-examples-value-or-externalValue": "no-example-value-and-externalValue",
  "oas3-operation-security-defined": "security-defined",
  "oas3-parameter-description": "parameter-description",
  "oas3-server-not-example.com": "no-server-example.com",
  "oas3-server-trailing-slash": "no-server-trailing-slash",
  "oas3-server-variables": "no-undefined-server-variable",
  "oas3-unused-component": "no-unused-components",
  "oas3-valid-media-example": "no-invalid-media-type-examples",
  "oas3-valid-schema-example": "no-invalid-schema-examples",
};

/** spectral:oas rules without a counterpart, and why. */
const NOT_APPLIED: Readonly<Record<string, string>> = {
  "oas3-schema": "Portico always validates the document's structure, as errors; it cannot be switched off or changed.",
  "array-items": "Portico's structural check (always on, as errors) covers schemas; there is no separate rule to change.",
  "info-description": "Portico has no built-in counterpart; write it as a rule of this ruleset (given: $.info, field: description, function: truthy).",
  "contact-properties": "Portico has no built-in counterpart; write it as a rule of this ruleset.",
  "openapi-tags": "Portico has no built-in counterpart; write it as a rule of this ruleset.",
  "operation-tags": "Portico has no built-in counterpart; write it as a rule of this ruleset.",
  "oas3-callbacks-in-callbacks": "Portico has no built-in counterpart.",
  "oas3-links-parameters-expression": "Portico has no built-in counterpart.",
  "oas3_1-servers-in-webhook": "Portico has no built-in counterpart.",
  "oas3_1-callbacks-in-webhook": "Portico has no built-in counterpart.",
  "oas3_2-no-deprecated-xml-attribute": "Portico does not accept OpenAPI 3.2 documents.",
};

const OAS2_RULES = [
  "oas2-api-host",
  "oas2-api-schemes",
  "oas2-discriminator",
  "oas2-host-not-example",
  "oas2-host-trailing-slash",
  "oas2-operation-formData-consume-check",
  "oas2-operation-security-defined",
  "oas2-parameter-description",
  "oas2-valid-schema-example",
  "oas2-valid-media-example",
  "oas2-anyOf",
  "oas2-oneOf",
  "oas2-schema",
  "oas2-unused-definition",
];

export type SpectralOasOverride =
  | { kind: "mapped"; porticoRule: string; severity: RuleSeverity; approximate: boolean }
  | { kind: "not-applied"; reason: string }
  | { kind: "unknown" };

const APPROXIMATE = new Set(["license-url", "no-eval-in-markdown", "no-script-tags-in-markdown", "operation-success-response", "oas3-operation-security-defined", "oas3-server-variables"]);

/**
 * What `<spectral rule>: <setting>` becomes. `setting` is the rule's new
 * severity as Spectral writes it, already read as on/off/severity: `true`
 * means "on at its usual severity".
 */
export function mapSpectralOasOverride(name: string, setting: "error" | "warn" | "info" | "hint" | "off" | true): SpectralOasOverride {
  const porticoRule = SPECTRAL_OAS_MAPPING[name];
  if (porticoRule) {
    const rule = governanceRule(porticoRule)!;
    const severity: RuleSeverity = setting === true ? (rule.defaultSeverity === "off" ? "warn" : rule.defaultSeverity) : setting === "info" || setting === "hint" ? "warn" : setting;
    return { kind: "mapped", porticoRule, severity, approximate: APPROXIMATE.has(name) };
  }
  if (NOT_APPLIED[name]) return { kind: "not-applied", reason: NOT_APPLIED[name] };
  if (OAS2_RULES.includes(name)) return { kind: "not-applied", reason: "Swagger 2.0 uploads are converted to OpenAPI 3 and linted as such: oas2 rules do not apply." };
  return { kind: "unknown" };
}

/**
 * spectral:oas's aliases, available to the rules of a ruleset that extends
 * it (its scoped aliases as they read for OpenAPI 3).
 */
export const SPECTRAL_OAS_ALIASES: Readonly<Record<string, string[]>> = {
  PathItem: ["$.paths[*]"],
  OperationObject: ["#PathItem[get,put,post,delete,options,head,patch,trace]"],
  SecurityRequirementObject: ["$.security[*]", "#OperationObject.security[*]"],
  ResponseObject: ["#OperationObject.responses[*]", "$.components.responses[*]"],
  LinkObject: ["$.components.links[*]", "#ResponseObject.links[*]"],
};
