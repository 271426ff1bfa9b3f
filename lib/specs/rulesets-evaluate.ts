// Evaluating imported rulesets (lib/specs/rulesets.ts reads them) against an
// upload. Findings have the shape of the built-in lint's (lib/specs/lint.ts
// merges them into the same report): rule id `<ruleset>/<rule>`, severity,
// message, JSON pointer, and line/column in the uploaded text.
//
// Semantics follow Spectral's runner: each `given` selects nodes (all rules'
// expressions are advanced together in one walk, lib/specs/rulesets-jsonpath.ts),
// each `then` picks a `field` of the node (a property path, `@key` for every
// property name, or a relative JSONPath) and applies a core function; the
// message is the rule's `message` with its placeholders filled, else the rule's
// description, else the function's own message.
//
// Which document a rule sees: the OpenAPI 3 document Portico stores (for a
// Swagger 2.0 upload, its conversion), whose formats are oas3 and oas3_0 or
// oas3_1. A rule limited to oas2 runs on a Swagger 2.0 upload as it was
// uploaded; its pointers are into that document (`inOriginal`).
import { parseDocument } from "yaml";
import type { RuleSettings } from "@/lib/specs/rule-catalog";
import { LinePositions, locateJsonPointers, locateYamlPointers, pointerFrom, type LineColumn } from "@/lib/specs/locate";
import { locateInSource, type ParsedSpec } from "@/lib/specs/parse";
import { compileFunction, printValue, type CoreFunction, type RuleFunction } from "@/lib/specs/rulesets-functions";
import { compileJsonPath, evaluatePaths, RefResolver, refOf, type CompiledPath, type Match, type PathKey } from "@/lib/specs/rulesets-jsonpath";

export type RulesetFormat = "oas2" | "oas3" | "oas3_0" | "oas3_1";
export const RULESET_FORMATS: readonly RulesetFormat[] = ["oas2", "oas3", "oas3_0", "oas3_1"];
export type SpectralSeverity = "error" | "warn" | "info" | "hint";

export interface RulesetThen {
  field?: string;
  function: CoreFunction;
  functionOptions?: unknown;
}

/** One rule of an imported ruleset, as Portico understood it (aliases expanded). */
export interface RulesetRule {
  name: string;
  description?: string;
  message?: string;
  /** As the ruleset says; info and hint are reported as warnings (Portico has two levels). */
  severity: SpectralSeverity;
  given: string[];
  then: RulesetThen[];
  /** Absent: every format. */
  formats?: RulesetFormat[];
  /** Whether the rule sees local $refs resolved (Spectral's default). */
  resolved: boolean;
}

/** What an enabled ruleset brings to a lint run. */
export interface RulesetDefinition {
  name: string;
  rules: RulesetRule[];
  /** Built-in rules whose severity the ruleset changes (spectral:oas overrides it mapped). */
  builtinOverrides: RuleSettings;
}

export interface RulesetProblem {
  ruleId: string;
  severity: "error" | "warn";
  message: string;
  pointer: string;
  line?: number;
  column?: number;
  /** The pointer is into the uploaded Swagger 2.0 document, not its OpenAPI 3 conversion. */
  inOriginal?: true;
}

/** A rule that cannot be compiled; `pointer` is relative to the rule's definition. */
export class RuleCompileError extends Error {
  constructor(
    message: string,
    readonly pointer: string,
  ) {
    super(message);
    this.name = "RuleCompileError";
  }
}

type Field = { kind: "self" } | { kind: "key" } | { kind: "path"; path: CompiledPath } | { kind: "property"; segments: string[] };

interface CompiledThen {
  field: Field;
  run: RuleFunction;
}

export interface CompiledRule {
  rule: RulesetRule;
  paths: CompiledPath[];
  thens: CompiledThen[];
}

/** lodash's toPath, for `field`: "a.b[0]['c.d']" → ["a", "b", "0", "c.d"]. */
export function fieldSegments(field: string): string[] {
  const segments: string[] = [];
  let current = "";
  let pending = false;
  for (let index = 0; index < field.length; index++) {
    const char = field[index];
    if (char === ".") {
      if (pending || current !== "" || index === 0) segments.push(current);
      current = "";
      pending = false;
    } else if (char === "[") {
      if (current !== "") segments.push(current);
      current = "";
      const close = field.indexOf("]", index);
      const inner = close === -1 ? field.slice(index + 1) : field.slice(index + 1, close);
      segments.push(inner.replace(/^(["'])(.*)\1$/s, "$2"));
      index = close === -1 ? field.length : close;
      pending = false;
    } else {
      current += char;
      pending = true;
    }
  }
  if (pending || current !== "" || field.endsWith(".")) segments.push(current);
  return segments;
}

function compileField(field: string | undefined): Field {
  if (field === undefined) return { kind: "self" };
  if (field === "@key") return { kind: "key" };
  if (field.startsWith("$")) return { kind: "path", path: compileJsonPath(field) };
  return { kind: "property", segments: fieldSegments(field) };
}

/** Compiles a rule; throws RuleCompileError pointing into the rule for anything it cannot take. */
export function compileRule(rule: RulesetRule, pointers: { given?: string[]; then?: string[] } = {}): CompiledRule {
  const paths = rule.given.map((given, index) => {
    try {
      return compileJsonPath(given);
    } catch (error) {
      throw new RuleCompileError(error instanceof Error ? error.message : String(error), pointers.given?.[index] ?? `/given/${index}`);
    }
  });
  const thens = rule.then.map((then, index) => {
    const at = pointers.then?.[index] ?? `/then/${index}`;
    let field: Field;
    try {
      field = compileField(then.field);
    } catch (error) {
      throw new RuleCompileError(error instanceof Error ? error.message : String(error), `${at}/field`);
    }
    try {
      return { field, run: compileFunction(then.function, then.functionOptions) };
    } catch (error) {
      const relative = (error as { pointer?: string }).pointer ?? "";
      throw new RuleCompileError(error instanceof Error ? error.message : String(error), `${at}/functionOptions${relative}`);
    }
  });
  return { rule, paths, thens };
}

// ---------------------------------------------------------------------------
// Messages (Spectral's placeholders)

interface MessageVars {
  property: string;
  error: string;
  path: string;
  description: string;
  value: unknown;
}

function printFunction(type: string, vars: MessageVars): string {
  if (type === "property") return vars.property !== "" ? `\`${vars.property}\` property ` : "The document ";
  if (type === "value") return printValue(vars.value);
  const value = (vars as unknown as Record<string, unknown>)[type];
  return value === undefined || value === null ? "" : String(value);
}

/**
 * Fills {{error}}, {{property}}, {{path}}, {{value}}, {{description}} and
 * #{{print("property")}} / #{{print("value")}}. Anything else is left empty:
 * Spectral would evaluate other #{{…}} as JavaScript, which Portico never does.
 */
export function interpolate(template: string, vars: MessageVars): string {
  return template.replace(/(#?)\{\{\s*([^{}]*?)\s*\}\}/g, (_whole, hash: string, body: string) => {
    if (hash) {
      const call = /^print\((["'])(\w+)\1\)$/.exec(body);
      return call ? printFunction(call[2], vars) : "";
    }
    if (!Object.hasOwn(vars, body)) return "";
    const value = (vars as unknown as Record<string, unknown>)[body];
    if (value === undefined || value === null) return "";
    return typeof value === "object" ? printValue(value) : String(value);
  });
}

/** Spectral's "dot" path style: paths./pets.get, tags[0]. */
function dotPath(path: readonly PathKey[]): string {
  return path.reduce<string>((text, segment, index) => {
    const value = String(segment);
    if (typeof segment === "number" || (value !== "" && !Number.isNaN(Number(value)))) return `${text}[${value}]`;
    if (value === "") return `${text}['']`;
    if (/\s/.test(value)) return `${text}['${value}']`;
    return `${text}${index === 0 ? "" : "."}${value}`;
  }, "");
}

// ---------------------------------------------------------------------------
// Evaluation

interface Subject {
  document: unknown;
  inOriginal: boolean;
  formats: Set<RulesetFormat>;
}

const compiledRulesets = new WeakMap<RulesetDefinition, CompiledRule[]>();

function compiled(ruleset: RulesetDefinition): CompiledRule[] {
  let rules = compiledRulesets.get(ruleset);
  if (!rules) {
    rules = ruleset.rules.map((rule) => compileRule(rule));
    compiledRulesets.set(ruleset, rules);
  }
  return rules;
}

const appliesTo = (rule: RulesetRule, formats: Set<RulesetFormat>) => !rule.formats || rule.formats.some((format) => formats.has(format));

function documentFormats(openapi: unknown): Set<RulesetFormat> {
  const version = typeof openapi === "string" ? openapi : "";
  return new Set<RulesetFormat>(["oas3", version.startsWith("3.1") ? "oas3_1" : "oas3_0"]);
}

/** Whether `tokens` exist in `root` (no references followed), as far as they do. */
function existingLength(root: unknown, tokens: readonly PathKey[]): { length: number; value: unknown } {
  let node = root;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (typeof node === "object" && node !== null && Object.hasOwn(node, String(token))) node = (node as Record<string, unknown>)[String(token)];
    else return { length: index, value: node };
  }
  return { length: tokens.length, value: node };
}

interface Target {
  value: unknown;
  path: PathKey[];
  /** The value is the property name at `path` (`@key`, or an expression ending with `~`). */
  isKey?: boolean;
}

function targetsOf(match: Match, keyOnly: boolean, field: Field, resolved: boolean, root: unknown, resolver: RefResolver | null): Target[] {
  const value = match.value;
  const base = match.actualPath;
  const targets: Target[] = [];
  if (typeof value === "object" && value !== null && field.kind !== "self") {
    if (field.kind === "key") {
      for (const key of Object.keys(value)) targets.push({ value: key, path: [...base, key], isKey: true });
    } else if (field.kind === "path") {
      evaluatePaths(value, [field.path], { resolve: resolved, root, startPath: base }, (found) => targets.push({ value: found.value, path: found.actualPath }));
    } else {
      let node: unknown = value;
      let path = [...base];
      for (const segment of field.segments) {
        if (typeof node === "object" && node !== null && Object.hasOwn(node, segment)) {
          node = (node as Record<string, unknown>)[segment];
          const ref = resolver ? refOf(node) : undefined;
          const target = ref !== undefined ? resolver!.resolve(ref) : null;
          if (target) {
            node = target.value;
            path = [...target.tokens];
          } else {
            path.push(segment);
          }
        } else {
          node = undefined;
          path.push(segment);
        }
      }
      targets.push({ value: node, path });
    }
  } else {
    targets.push({ value, path: [...base], isKey: keyOnly });
  }
  // Spectral calls the function at least once, with nothing when nothing was found.
  if (!targets.length) targets.push({ value: undefined, path: [...base] });
  return targets;
}

interface Pending {
  ruleset: RulesetDefinition;
  compiled: CompiledRule;
}

/**
 * The findings of the rulesets on an upload, without line and column
 * (lib/specs/lint.ts places all findings in one pass; evaluateRulesets does
 * both).
 */
export function findRulesetProblems(parsed: Pick<ParsedSpec, "document" | "original" | "converted" | "sourceVersion">, rulesets: readonly RulesetDefinition[]): RulesetProblem[] {
  const subjects: Subject[] = [{ document: parsed.document, inOriginal: false, formats: documentFormats((parsed.document as { openapi?: unknown }).openapi) }];
  if (parsed.converted && parsed.sourceVersion === "2.0") subjects.push({ document: parsed.original, inOriginal: true, formats: new Set(["oas2"]) });

  const problems: RulesetProblem[] = [];
  for (const subject of subjects) {
    for (const resolved of [true, false]) {
      const pending: Pending[] = [];
      for (const ruleset of rulesets) {
        for (const rule of compiled(ruleset)) {
          if (rule.rule.resolved !== resolved || !appliesTo(rule.rule, subject.formats)) continue;
          // A rule for oas2 and oas3 runs on the OpenAPI 3 document only.
          if (subject.inOriginal && appliesTo(rule.rule, subjects[0].formats)) continue;
          pending.push({ ruleset, compiled: rule });
        }
      }
      if (pending.length) problems.push(...runRules(subject, resolved, pending));
    }
  }
  return problems;
}

function runRules(subject: Subject, resolved: boolean, pending: Pending[]): RulesetProblem[] {
  const root = subject.document;
  const resolver = resolved ? new RefResolver(root) : null;
  const paths: CompiledPath[] = [];
  const owner: number[] = [];
  pending.forEach((item, index) => {
    for (const path of item.compiled.paths) {
      paths.push(path);
      owner.push(index);
    }
  });

  const problems: RulesetProblem[] = [];
  const evaluated = new Set<string>();
  const failed = new Set<number>();
  const onMatch = (match: Match) => {
    const index = owner[match.path];
    if (failed.has(index)) return;
    // The same node reached again (another `given`, another reference to it) is checked once.
    const key = `${index}\u0000${pointerFrom(match.actualPath)}\u0000${String(match.key)}`;
    if (evaluated.has(key)) return;
    evaluated.add(key);
    const { ruleset, compiled } = pending[index];
    try {
      applyRule(ruleset, compiled, match, paths[match.path].keyOnly, subject, resolved, resolver, problems);
    } catch (error) {
      failed.add(index);
      problems.push({
        ruleId: `${ruleset.name}/${compiled.rule.name}`,
        severity: "warn",
        message: `Portico could not evaluate this rule: ${error instanceof Error ? error.message : String(error)}`,
        pointer: pointerFrom(match.actualPath),
        ...(subject.inOriginal ? { inOriginal: true as const } : {}),
      });
    }
  };
  evaluatePaths(root, paths, { resolve: resolved, root }, onMatch);
  return problems;
}

function applyRule(ruleset: RulesetDefinition, compiled: CompiledRule, match: Match, keyOnly: boolean, subject: Subject, resolved: boolean, resolver: RefResolver | null, problems: RulesetProblem[]) {
  const { rule } = compiled;
  for (const then of compiled.thens) {
    for (const target of targetsOf(match, keyOnly, then.field, resolved, subject.document, resolver)) {
      const results = then.run(target.value);
      if (!results) continue;
      for (const result of results) {
        const path = result.path?.length ? [...target.path, ...result.path] : target.path;
        const existing = existingLength(subject.document, path);
        const closest = path.slice(0, existing.length);
        const vars: MessageVars = {
          property: existing.length < path.length ? dotPath(path.slice(existing.length - 1)) : path.length ? String(path[path.length - 1]) : "",
          error: result.message,
          path: `#${pointerFrom(closest)}`,
          description: rule.description ?? "",
          // A property name is shown as itself, not as the object it names.
          value: target.isKey && !result.path?.length ? target.value : existing.value,
        };
        vars.error = interpolate(result.message, vars);
        const message = (rule.message !== undefined ? interpolate(rule.message, vars) : rule.description ?? vars.error).trim();
        problems.push({
          ruleId: `${ruleset.name}/${rule.name}`,
          severity: rule.severity === "error" ? "error" : "warn",
          message,
          pointer: pointerFrom(path),
          ...(subject.inOriginal ? { inOriginal: true as const } : {}),
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Places in the text

const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** Line and column of pointers into the uploaded document itself (for a converted Swagger 2.0 upload). */
function locateInOriginal(parsed: Pick<ParsedSpec, "sourceText" | "format">, pointers: string[]): Map<string, LineColumn> {
  const result = new Map<string, LineColumn>();
  if (!pointers.length) return result;
  const text = stripBom(parsed.sourceText);
  const offsets = parsed.format === "json" ? locateJsonPointers(text, pointers) : locateYamlPointers(parseDocument(text, { merge: true, uniqueKeys: true }), pointers);
  const lines = new LinePositions(text);
  for (const [pointer, offset] of offsets) result.set(pointer, lines.at(offset));
  return result;
}

/** Sets line and column on each problem whose place the uploaded text has. */
export function placeProblems(parsed: ParsedSpec, problems: { pointer: string; inOriginal?: true; line?: number; column?: number }[]): void {
  const inDocument = locateInSource(
    parsed,
    problems.filter((problem) => !problem.inOriginal).map((problem) => problem.pointer),
  );
  const inOriginal = locateInOriginal(
    parsed,
    problems.filter((problem) => problem.inOriginal).map((problem) => problem.pointer),
  );
  for (const problem of problems) Object.assign(problem, (problem.inOriginal ? inOriginal : inDocument).get(problem.pointer));
}

/** The rulesets' findings on an upload, placed in its text, in the lint report's order (errors first, then by line). */
export function evaluateRulesets(parsed: ParsedSpec, rulesets: readonly RulesetDefinition[]): RulesetProblem[] {
  const problems = dedupe(findRulesetProblems(parsed, rulesets));
  placeProblems(parsed, problems);
  return problems.sort(byPlace);
}

/** Errors first, then by line, then by pointer: the order of a lint report. */
export function byPlace(a: { severity: string; line?: number; pointer: string }, b: { severity: string; line?: number; pointer: string }): number {
  return (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) || (a.line ?? 0) - (b.line ?? 0) || a.pointer.localeCompare(b.pointer);
}

export function dedupe<T extends { ruleId: string; pointer: string; message: string; inOriginal?: true }>(problems: T[]): T[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.ruleId}\u0000${problem.inOriginal ? "original:" : ""}${problem.pointer}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The built-in rule settings with the enabled rulesets' overrides applied (later rulesets win). */
export function withBuiltinOverrides(settings: RuleSettings, rulesets: readonly RulesetDefinition[]): RuleSettings {
  return Object.assign({}, settings, ...rulesets.map((ruleset) => ruleset.builtinOverrides));
}
