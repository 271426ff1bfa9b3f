// Governance: lints a parsed upload with @redocly/openapi-core's
// `recommended` rules plus Portico's own (lib/specs/portico-rules.ts), at the
// severities a platform admin chose. The structure of the document (Redocly's
// `struct` and `no-unresolved-refs`) is always checked, as errors.
//
// Redocly walks the already parsed document: the text is not parsed again.
// Nothing is fetched: the resolver refuses every non-local reference (parseSpec
// has refused documents that have any, this is the second lock).
//
// Imported Spectral-style rulesets (lib/specs/rulesets.ts) that are enabled
// add their findings to the same report, as `<ruleset>/<rule>`: their errors
// block publishing like the built-in rules' errors. Their overrides of
// spectral:oas rules change the built-in rules' severities while enabled.
import { BaseResolver, createConfig, lintDocument, Source, type NormalizedProblem, type RawUniversalConfig } from "@redocly/openapi-core";
import type { ParsedSpec } from "@/lib/specs/parse";
import { PORTICO_PLUGIN_ID, porticoPlugin } from "@/lib/specs/portico-rules";
import { effectiveSeverities, governanceRule, PORTICO_RULES, STRUCTURAL_RULES, type RuleSettings } from "@/lib/specs/rule-catalog";
import { byPlace, findRulesetProblems, placeProblems, withBuiltinOverrides, type RulesetDefinition } from "@/lib/specs/rulesets-evaluate";

export { PORTICO_RULES, STRUCTURAL_RULES, type GovernanceRule, type RuleSettings, type RuleSeverity } from "@/lib/specs/rule-catalog";

/** Name and version of the engine, stored with each report. Checked against the installed package by lint.test.ts. */
export const LINT_ENGINE = "@redocly/openapi-core@2.64.0";

export interface LintProblem {
  ruleId: string;
  severity: "error" | "warn";
  message: string;
  /**
   * JSON pointer into `parsed.document` (for a converted Swagger 2.0 upload:
   * into its OpenAPI 3 conversion, unless `inOriginal`).
   */
  pointer: string;
  /** 1-based, in the uploaded text; absent for converted documents (unless `inOriginal`). */
  line?: number;
  column?: number;
  /** A ruleset rule limited to oas2 found it in the Swagger 2.0 document as uploaded: the pointer is into that. */
  inOriginal?: true;
}

export interface LintReport {
  errors: number;
  warnings: number;
  problems: LintProblem[];
  engine: string;
  durationMs: number;
}

export type ApiVisibility = "PUBLIC" | "INTERNAL" | "PRIVATE";

export interface LintOptions {
  context?: {
    /** The API's visibility: `no-http-servers-public` applies to PUBLIC APIs only. */
    visibility?: ApiVisibility;
  };
  /** Shorthand for `context.visibility`. */
  visibility?: ApiVisibility;
  /** Enabled imported rulesets, in the order they were imported (later ones win on overrides). */
  rulesets?: RulesetDefinition[];
}

/** Everything the platform's governance settings say about linting an upload. */
export interface GovernanceConfig {
  /** Severity per built-in rule (lib/specs/rule-catalog.ts). */
  rules: RuleSettings;
  rulesets: RulesetDefinition[];
}

/** Redocly built-ins that Portico rules of the same name replace. */
const SUPERSEDED = PORTICO_RULES.filter((rule) => rule.source === "portico").map((rule) => rule.id);

/** A resolver that loads nothing: every external reference resolves to an error. */
class NoExternalResolver extends BaseResolver {
  override async loadExternalRef(absoluteRef: string): Promise<Source> {
    throw new Error(`External reference ${absoluteRef} was not loaded: Portico never fetches other documents.`);
  }
}

function redoclyConfig(settings: RuleSettings, options: LintOptions): RawUniversalConfig {
  const rules: Record<string, unknown> = {};
  for (const id of STRUCTURAL_RULES) rules[id] = { severity: "error" };
  for (const id of SUPERSEDED) rules[id] = "off";
  for (const [id, severity] of effectiveSeverities(settings)) {
    const rule = governanceRule(id)!;
    if (rule.source === "portico") {
      rules[`${PORTICO_PLUGIN_ID}/${id}`] = id === "no-http-servers-public" ? { severity, visibility: options.context?.visibility ?? options.visibility } : { severity };
    } else {
      rules[id] = { severity };
    }
  }
  return { extends: ["recommended"], plugins: [porticoPlugin], rules } as RawUniversalConfig;
}

/** "#/paths/~1pets/get" → "/paths/~1pets/get"; "#/" → "". Redocly's pointers are RFC 6901 after the "#". */
function toJsonPointer(pointer: string): string {
  const bare = pointer.startsWith("#") ? pointer.slice(1) : pointer;
  return bare === "/" ? "" : bare;
}

export async function lintSpec(parsed: ParsedSpec, settings: RuleSettings = {}, options: LintOptions = {}): Promise<LintReport> {
  const started = performance.now();
  const rulesets = options.rulesets ?? [];
  const config = await createConfig(redoclyConfig(withBuiltinOverrides(settings, rulesets), options));
  const source = new Source("/portico-upload.json", parsed.converted ? "" : parsed.sourceText);
  const found = await lintDocument({
    document: { source, parsed: parsed.document },
    config,
    externalRefResolver: new NoExternalResolver(),
  });

  const problems: LintProblem[] = [];
  const seen = new Set<string>();
  const add = (problem: LintProblem) => {
    const key = `${problem.ruleId}\u0000${problem.inOriginal ? "original:" : ""}${problem.pointer}\u0000${problem.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push(problem);
  };
  for (const problem of found) if (!problem.ignored) add(toProblem(problem));
  if (rulesets.length) for (const problem of findRulesetProblems(parsed, rulesets)) add(problem);

  placeProblems(parsed, problems);
  problems.sort(byPlace);

  const errors = problems.filter((problem) => problem.severity === "error").length;
  return { errors, warnings: problems.length - errors, problems, engine: LINT_ENGINE, durationMs: Math.round(performance.now() - started) };
}

function toProblem(problem: NormalizedProblem): LintProblem {
  const ruleId = problem.ruleId.startsWith(`${PORTICO_PLUGIN_ID}/`) ? problem.ruleId.slice(PORTICO_PLUGIN_ID.length + 1) : problem.ruleId;
  const location = problem.location[0];
  const pointer = location?.pointer !== undefined ? toJsonPointer(location.pointer) : "";
  // Structure is never a mere warning, whatever Redocly's message severity.
  const severity = (STRUCTURAL_RULES as readonly string[]).includes(ruleId) ? "error" : problem.severity;
  return { ruleId, severity, message: problem.message, pointer };
}
