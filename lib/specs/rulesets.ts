// Spectral-style rulesets a platform admin imports (issue 4): "teams that
// already keep Spectral-style rulesets will want to bring them".
//
// Spectral itself is not used: on GitHub Enterprise Server's 11 MB description
// it takes 108 s and 2.2 GB, against 5.7 s for Redocly's lint. Portico reads a
// faithful subset of the ruleset format and evaluates it in one walk of the
// document (lib/specs/rulesets-evaluate.ts, lib/specs/rulesets-jsonpath.ts).
//
// Supported (YAML or JSON, with the upload's safety limits: size, nesting,
// YAML aliases):
// - `rules` with description, message ({{error}}, {{path}}, {{property}},
//   {{value}}, {{description}}, #{{print("property")}}, #{{print("value")}}),
//   severity (error/warn/info/hint/off or 0–3/-1; info and hint are reported as
//   warnings), given (a JSONPath-Plus expression or a list of them), then (one
//   or a list) with field (a property path, `@key`, or a relative JSONPath),
//   the core functions truthy, falsy, defined, undefined, pattern,
//   enumeration, length, casing, alphabetical, xor and schema, formats
//   (oas2, oas3, oas3_0, oas3_1), resolved, recommended (false: off, as in
//   Spectral);
// - top-level `formats` (the rules' default) and `aliases` (lists of
//   expressions; `#Alias` in a `given`; spectral:oas's own aliases when the
//   ruleset extends it);
// - `extends: spectral:oas` (any mode but off): Portico's built-in rules play
//   that part; they are always on, at the governance page's severities;
// - `<spectral:oas rule>: <severity|off>` overrides, mapped onto the
//   built-in rule that checks the same thing
//   (lib/specs/rulesets-spectral-oas.ts has the table); the others are
//   reported as not applied.
// Refused, never run: JavaScript rulesets, `functions`/`functionsDir` and any
// rule that uses a custom function, filter expressions beyond plain reads and
// comparisons, regular expressions that can take exponential time, schemas that
// refer outside themselves. Ignored (reported): overrides, parserOptions,
// extends of anything but spectral:oas (never fetched), unknown keys.
//
// The result lists every decision with a JSON pointer into the ruleset's text
// (and its line and column), so the admin sees what will apply before saving.
import { parseDocument, type Document as YamlDocument } from "yaml";
import { z } from "zod";
import { AppError, type FieldError } from "@/lib/errors";
import { escapePointerToken, LinePositions, locateYamlPointers, type LineColumn } from "@/lib/specs/locate";
import type { RuleSettings } from "@/lib/specs/rule-catalog";
import { scanYamlDepth } from "@/lib/specs/yaml-depth";
import { CORE_FUNCTIONS, isCoreFunction, UNSUPPORTED_SPECTRAL_FUNCTIONS, type CoreFunction } from "@/lib/specs/rulesets-functions";
import { compileRule, RULESET_FORMATS, RuleCompileError, type RulesetDefinition, type RulesetFormat, type RulesetRule, type RulesetThen, type SpectralSeverity } from "@/lib/specs/rulesets-evaluate";
import { mapSpectralOasOverride, SPECTRAL_OAS_ALIASES } from "@/lib/specs/rulesets-spectral-oas";

export { evaluateRulesets, findRulesetProblems, withBuiltinOverrides, type RulesetDefinition, type RulesetProblem, type RulesetRule } from "@/lib/specs/rulesets-evaluate";

export const MAX_RULESET_BYTES = 512 * 1024;
const MAX_DEPTH = 64;
/** Alias expansions a YAML ruleset may cost (as for uploads). */
const MAX_YAML_ALIAS_COUNT = 100;
const YAML_OPTIONS = { prettyErrors: false, merge: true, uniqueKeys: true } as const;

export type ImportStatus = "accepted" | "mapped" | "ignored" | "refused";
export const IMPORT_STATUSES: readonly ImportStatus[] = ["accepted", "mapped", "ignored", "refused"];

export interface RulesetImportItem {
  status: ImportStatus;
  /** What it is about: a rule's name, or a top-level key (`extends`, `functions`, …). */
  subject: string;
  /** JSON pointer into the ruleset. */
  pointer: string;
  line?: number;
  column?: number;
  detail: string;
}

export interface RulesetImport {
  /** What will apply once saved and enabled. */
  definition: RulesetDefinition;
  items: RulesetImportItem[];
  counts: Record<ImportStatus, number>;
  format: "json" | "yaml";
}

/** Ruleset names become the prefix of rule ids (`<name>/<rule>`). */
export const RULESET_NAME = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export function checkRulesetName(name: string): string {
  const trimmed = name.trim();
  if (!RULESET_NAME.test(trimmed)) {
    throw new AppError("validation", "Give the ruleset a name of lowercase letters, digits, dots, dashes or underscores (at most 64), like acme-style.", {
      errors: [{ pointer: "/name", detail: "lowercase letters, digits, '.', '-', '_'; starts and ends with a letter or digit" }],
    });
  }
  return trimmed;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
const child = (pointer: string, token: string | number) => `${pointer}/${escapePointerToken(token)}`;

function refuse(code: string, message: string, errors: FieldError[] = [{ pointer: "", detail: message }], kind: "validation" | "payload-too-large" = "validation"): never {
  throw new AppError(kind, message, { code, errors });
}

// ---------------------------------------------------------------------------
// Reading the text

/** JavaScript (or TypeScript) rulesets: recognised before anything is parsed, and refused. */
function looksLikeJavaScript(text: string, fileName?: string): boolean {
  if (fileName && /\.(?:[cm]?js|[cm]?ts)$/i.test(fileName)) return true;
  // Leading JavaScript comments, then how a module starts; or a line that exports.
  const code = text.replace(/^\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*)*/, "");
  if (/^\s*(?:import\s[\s\S]*?from\s|import\s*["']|export\s+(?:default|const|function)\b|module\.exports\b|(?:const|let|var)\s+[\w{}\s,]+=|require\s*\(|["']use strict["'])/.test(code)) return true;
  return /^(?:module\.exports\s*=|export\s+default\s)/m.test(text);
}

function readText(source: string, fileName?: string): { value: unknown; yaml: YamlDocument; format: "json" | "yaml"; lines: LinePositions } {
  const bytes = Buffer.byteLength(source, "utf8");
  if (bytes > MAX_RULESET_BYTES) refuse("ruleset-too-large", `The ruleset is ${Math.ceil(bytes / 1024)} KB; the limit is ${MAX_RULESET_BYTES / 1024} KB.`, undefined, "payload-too-large");
  const body = stripBom(source);
  if (!body.trim()) refuse("ruleset-empty", "The ruleset is empty: paste or choose a Spectral ruleset (YAML or JSON).");
  if (looksLikeJavaScript(body, fileName)) {
    refuse("ruleset-javascript", "This is a JavaScript ruleset. Portico never runs code from a ruleset: give it as YAML or JSON (a .spectral.yaml), with core functions only.");
  }
  const format = /^\s*[{[]/.test(body) ? "json" : "yaml";
  const lines = new LinePositions(body);
  const excess = scanYamlDepth(body, MAX_DEPTH);
  if (excess) {
    const place = lines.at(excess.offset);
    refuse("ruleset-too-deep", `The ruleset nests deeper than ${MAX_DEPTH} levels.`, [{ pointer: "", detail: `The ruleset nests deeper than ${MAX_DEPTH} levels.`, ...place }]);
  }
  const yaml = parseDocument(body, YAML_OPTIONS);
  if (yaml.errors.length) {
    const kind = format === "json" ? "JSON" : "YAML";
    const errors = yaml.errors.slice(0, 20).map((error) => ({ pointer: "", detail: `Invalid ${kind}: ${error.message}.`, ...lines.at(error.pos[0]) }));
    const first = errors[0];
    refuse("ruleset-syntax", `Invalid ${kind}: ${yaml.errors[0].message} (line ${first.line}, column ${first.column})${yaml.errors.length > 1 ? `, and ${plural(yaml.errors.length - 1, "more problem")}` : ""}.`, errors);
  }
  let value: unknown;
  try {
    value = yaml.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError && /alias count/i.test(error.message)) {
      refuse("ruleset-alias-bomb", `The YAML expands its aliases too many times (more than ${MAX_YAML_ALIAS_COUNT}): this is how "billion laughs" documents exhaust memory, so it is refused.`);
    }
    refuse("ruleset-syntax", `Invalid YAML: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (isCircular(value)) refuse("ruleset-recursive-alias", "A YAML alias in the ruleset refers to a node that contains it (a recursive alias).");
  return { value, yaml, format, lines };
}

function isCircular(root: unknown): boolean {
  const ancestors = new Set<object>();
  const visit = (value: unknown): boolean => {
    if (typeof value !== "object" || value === null) return false;
    if (ancestors.has(value)) return true;
    ancestors.add(value);
    const found = Object.values(value).some(visit);
    ancestors.delete(value);
    return found;
  };
  return visit(root);
}

// ---------------------------------------------------------------------------
// Reading the ruleset

type Setting = SpectralSeverity | "off" | true;

/** A severity as Spectral writes it; undefined when it is none. */
function readSeverity(value: unknown): Setting | undefined {
  if (value === true) return true;
  if (value === false || value === "off" || value === -1) return "off";
  if (value === "error" || value === 0) return "error";
  if (value === "warn" || value === 1) return "warn";
  if (value === "info" || value === 2) return "info";
  if (value === "hint" || value === 3) return "hint";
  return undefined;
}

const SEVERITY_HINT = "error, warn, info, hint or off (or 0, 1, 2, 3, -1)";
const RULE_KEYS = new Set(["description", "message", "severity", "given", "then", "formats", "recommended", "resolved", "documentationUrl", "type"]);
const KNOWN_FORMATS = new Set<string>(RULESET_FORMATS);
/** Spectral's other formats: valid in a ruleset, never an OpenAPI upload. */
const OTHER_FORMATS = new Set(["oas3_2", "asyncapi2", "asyncapi3", "jsonSchema", "jsonSchemaLoose", "jsonSchemaDraft4", "jsonSchemaDraft6", "jsonSchemaDraft7", "jsonSchemaDraft2019_09", "jsonSchemaDraft2020_12", "arazzo1_0"]);

class Reader {
  readonly items: RulesetImportItem[] = [];
  readonly rules: RulesetRule[] = [];
  readonly builtinOverrides: RuleSettings = {};
  private readonly customFunctions = new Set<string>();
  private extendsOas = false;
  private defaultFormats: RulesetFormat[] | undefined;
  private readonly aliases = new Map<string, string[]>();
  private readonly scopedAliases = new Set<string>();

  constructor(private readonly name: string) {}

  add(status: ImportStatus, subject: string, pointer: string, detail: string) {
    this.items.push({ status, subject, pointer, detail });
  }

  read(root: Record<string, unknown>) {
    // The order matters: rules need extends (aliases), functions and aliases.
    if (Object.hasOwn(root, "extends")) this.readExtends(root.extends);
    if (Object.hasOwn(root, "functions")) this.readFunctions(root.functions);
    if (Object.hasOwn(root, "functionsDir")) {
      this.add("refused", "functionsDir", "/functionsDir", "Custom functions are refused: Portico never runs code from a ruleset. Rules that use them are refused too; the core functions are available.");
    }
    if (Object.hasOwn(root, "formats")) this.defaultFormats = this.readFormats(root.formats, "/formats", "formats");
    if (Object.hasOwn(root, "aliases")) this.readAliases(root.aliases);
    for (const [key, value] of Object.entries(root)) {
      switch (key) {
        case "extends":
        case "functions":
        case "functionsDir":
        case "formats":
        case "aliases":
          break;
        case "rules":
          if (!isRecord(value)) this.add("refused", "rules", "/rules", "`rules` must be a map of rule names to rules.");
          else for (const [name, rule] of Object.entries(value)) this.readRule(name, rule);
          break;
        case "overrides":
          this.add("ignored", "overrides", "/overrides", "Per-file overrides do not apply: Portico lints one uploaded document at a time, and the ruleset applies to all of them.");
          break;
        case "parserOptions":
          this.add("ignored", "parserOptions", "/parserOptions", "Portico parses uploads its own way (duplicate keys are always refused).");
          break;
        case "documentationUrl":
        case "description":
          this.add("ignored", key, `/${key}`, `Kept with the source; not shown in findings.`);
          break;
        default:
          this.add("ignored", key, child("", key), `"${key}" is not a key of a Spectral ruleset.`);
      }
    }
  }

  private readExtends(value: unknown) {
    let entries: unknown[];
    if (typeof value === "string") entries = [value];
    else if (Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && ["recommended", "all", "off"].includes(String(value[1]))) entries = [value];
    else if (Array.isArray(value)) entries = value;
    else {
      this.add("refused", "extends", "/extends", "`extends` must be a ruleset name, [name, mode], or a list of them.");
      return;
    }
    entries.forEach((entry, index) => {
      const pointer = entries === value ? `/extends/${index}` : "/extends";
      const [target, mode] = Array.isArray(entry) ? [entry[0], entry[1] ?? "recommended"] : [entry, "recommended"];
      if (typeof target !== "string" || !["recommended", "all", "off"].includes(String(mode))) {
        this.add("refused", "extends", pointer, "Each entry of `extends` is a ruleset name or [name, recommended|all|off].");
        return;
      }
      if (target === "spectral:oas") {
        if (mode === "off") {
          this.add("ignored", "extends", pointer, `["spectral:oas", "off"] is not applied: Portico's built-in rules stay as set on the governance page (switch them off one by one there, or with "<rule>: off" here).`);
          return;
        }
        this.extendsOas = true;
        this.add(
          "mapped",
          "extends",
          pointer,
          `spectral:oas${mode === "all" ? " (all)" : ""} → Portico's built-in rules (Redocly's recommended set and Portico's own), which are already on, at the severities set on the governance page.${mode === "all" ? " Rules that are off there stay off." : ""} Its rules can be switched off or changed here by name, where Portico has a counterpart.`,
        );
      } else if (/^spectral:(asyncapi|arazzo)$/.test(target)) {
        this.add("ignored", "extends", pointer, `${target} does not apply: Portico lints OpenAPI documents.`);
      } else {
        this.add("refused", "extends", pointer, `"${target}" is not loaded: Portico never fetches or reads other rulesets (files, URLs or packages). Copy its rules into this ruleset.`);
      }
    });
  }

  private readFunctions(value: unknown) {
    if (Array.isArray(value)) for (const name of value) if (typeof name === "string") this.customFunctions.add(name);
    const names = [...this.customFunctions].map((name) => `"${name}"`).join(", ");
    this.add("refused", "functions", "/functions", `Custom functions${names ? ` (${names})` : ""} are refused: Portico never runs code from a ruleset. Rules that use them are refused too; the core functions (${CORE_FUNCTIONS.join(", ")}) are available.`);
  }

  private readFormats(value: unknown, pointer: string, subject: string): RulesetFormat[] | undefined {
    if (!Array.isArray(value)) {
      this.add("ignored", subject, pointer, "`formats` must be a list; it is ignored (the rule applies to every document).");
      return undefined;
    }
    const formats: RulesetFormat[] = [];
    value.forEach((format, index) => {
      if (typeof format === "string" && KNOWN_FORMATS.has(format)) formats.push(format as RulesetFormat);
      else if (typeof format === "string" && OTHER_FORMATS.has(format)) this.add("ignored", subject, `${pointer}/${index}`, `Format "${format}" never applies: Portico takes OpenAPI 3.0, 3.1 and Swagger 2.0 uploads.`);
      else this.add("ignored", subject, `${pointer}/${index}`, `Unknown format ${JSON.stringify(format)} (known: ${RULESET_FORMATS.join(", ")}).`);
    });
    return formats;
  }

  private readAliases(value: unknown) {
    if (!isRecord(value)) {
      this.add("refused", "aliases", "/aliases", "`aliases` must be a map of names to lists of JSONPath expressions.");
      return;
    }
    for (const [name, definition] of Object.entries(value)) {
      const list = typeof definition === "string" ? [definition] : definition;
      if (Array.isArray(list) && list.length && list.every((item) => typeof item === "string" && /^[$#]/.test(item))) {
        this.aliases.set(name, list as string[]);
      } else if (isRecord(definition) && Object.hasOwn(definition, "targets")) {
        this.scopedAliases.add(name);
        this.add("refused", `aliases.${name}`, child("/aliases", name), `Scoped aliases (with targets per format) are not supported; rules that use #${name} are refused. Give it as a list of expressions.`);
      } else {
        this.add("refused", `aliases.${name}`, child("/aliases", name), `An alias is a list of JSONPath expressions (each starting with "$" or "#").`);
      }
    }
  }

  /** `#Alias.rest` → the alias's expressions with `.rest` appended, recursively. */
  private expand(given: string, depth = 0): string[] {
    const reference = /^#([A-Za-z0-9_-]+)(.*)$/s.exec(given);
    if (!reference) return [given];
    const [, name, rest] = reference;
    if (depth > 10) throw new Error(`The alias #${name} refers to itself.`);
    if (this.scopedAliases.has(name)) throw new Error(`#${name} is a scoped alias, which is not supported.`);
    const definition = this.aliases.get(name) ?? (this.extendsOas ? SPECTRAL_OAS_ALIASES[name] : undefined);
    if (!definition) throw new Error(`There is no alias #${name}${SPECTRAL_OAS_ALIASES[name] ? " (it is spectral:oas's: extend spectral:oas to use it)" : ""}.`);
    return definition.flatMap((expression) => this.expand(expression + rest, depth + 1));
  }

  private readRule(name: string, definition: unknown) {
    const pointer = child("/rules", name);
    // `name: <severity>`, or `name: { severity }`: a change to a rule of an extended ruleset.
    const setting = readSeverity(definition);
    if (setting !== undefined || (isRecord(definition) && !Object.hasOwn(definition, "given") && !Object.hasOwn(definition, "then"))) {
      let effective = setting;
      if (isRecord(definition)) {
        effective = Object.hasOwn(definition, "severity") ? readSeverity(definition.severity) : definition.recommended === false ? "off" : true;
        if (effective === undefined) {
          this.add("refused", name, child(pointer, "severity"), `Unknown severity ${JSON.stringify(definition.severity)} (use ${SEVERITY_HINT}).`);
          return;
        }
      }
      this.override(name, effective!, pointer);
      return;
    }
    if (!isRecord(definition)) {
      this.add("refused", name, pointer, `A rule is an object with "given" and "then", or a severity (${SEVERITY_HINT}) for a rule of spectral:oas.`);
      return;
    }

    const problems: { pointer: string; detail: string }[] = [];
    const notes: { pointer: string; detail: string }[] = [];
    for (const key of Object.keys(definition)) {
      if (!RULE_KEYS.has(key)) notes.push({ pointer: child(pointer, key), detail: `"${key}" is not a key of a Spectral rule; ignored.` });
    }
    if (definition.recommended === false) {
      this.add("ignored", name, child(pointer, "recommended"), "recommended: false — off, as in Spectral (it runs only when a ruleset extends this one with \"all\").");
      return;
    }
    const severity = definition.severity === undefined ? "warn" : readSeverity(definition.severity);
    if (severity === undefined || severity === true) {
      problems.push({ pointer: child(pointer, "severity"), detail: `Unknown severity ${JSON.stringify(definition.severity)} (use ${SEVERITY_HINT}).` });
    } else if (severity === "off") {
      this.add("ignored", name, child(pointer, "severity"), "severity: off — the rule is switched off.");
      return;
    }
    for (const key of ["description", "message", "documentationUrl"]) {
      if (definition[key] !== undefined && typeof definition[key] !== "string") problems.push({ pointer: child(pointer, key), detail: `"${key}" must be a string.` });
    }
    for (const key of ["resolved", "recommended"]) {
      if (definition[key] !== undefined && typeof definition[key] !== "boolean") problems.push({ pointer: child(pointer, key), detail: `"${key}" must be true or false.` });
    }
    if (typeof definition.message === "string") {
      for (const [expression] of definition.message.matchAll(/#\{\{[^{}]*\}\}/g)) {
        if (!/^#\{\{\s*print\((["'])\w+\1\)\s*\}\}$/.test(expression)) {
          notes.push({ pointer: child(pointer, "message"), detail: `${expression} is left empty: Spectral evaluates it as JavaScript, which Portico never runs (print("property") and print("value") are supported).` });
        }
      }
    }

    // given: expressions, aliases expanded.
    const given: string[] = [];
    const givenPointers: string[] = [];
    const rawGiven = typeof definition.given === "string" ? [definition.given] : definition.given;
    if (!Array.isArray(rawGiven) || !rawGiven.length) {
      problems.push({ pointer: child(pointer, "given"), detail: "`given` must be a JSONPath expression or a list of them." });
    } else {
      rawGiven.forEach((expression, index) => {
        const here = Array.isArray(definition.given) ? child(child(pointer, "given"), index) : child(pointer, "given");
        if (typeof expression !== "string" || !/^[$#]/.test(expression)) {
          problems.push({ pointer: here, detail: `${JSON.stringify(expression)} is not a JSONPath expression (it starts with "$", or "#" for an alias).` });
          return;
        }
        try {
          for (const expanded of this.expand(expression)) {
            given.push(expanded);
            givenPointers.push(here.slice(pointer.length));
          }
        } catch (error) {
          problems.push({ pointer: here, detail: error instanceof Error ? error.message : String(error) });
        }
      });
    }

    // then: core functions only.
    const then: RulesetThen[] = [];
    const thenPointers: string[] = [];
    const rawThen = Array.isArray(definition.then) ? definition.then : definition.then === undefined ? [] : [definition.then];
    if (!rawThen.length) problems.push({ pointer: child(pointer, "then"), detail: "`then` must say which function to apply." });
    rawThen.forEach((entry, index) => {
      const here = Array.isArray(definition.then) ? child(child(pointer, "then"), index) : child(pointer, "then");
      thenPointers.push(here.slice(pointer.length));
      if (!isRecord(entry)) {
        problems.push({ pointer: here, detail: "Each `then` is an object with a function (and a field, function options)." });
        return;
      }
      for (const key of Object.keys(entry)) {
        if (key !== "field" && key !== "function" && key !== "functionOptions") notes.push({ pointer: child(here, key), detail: `"${key}" is not a key of \`then\`; ignored.` });
      }
      const fn = entry.function;
      if (typeof fn !== "string") problems.push({ pointer: child(here, "function"), detail: "`function` must name a function." });
      else if (this.customFunctions.has(fn)) problems.push({ pointer: child(here, "function"), detail: `"${fn}" is a custom function: refused, Portico never runs code from a ruleset.` });
      else if ((UNSUPPORTED_SPECTRAL_FUNCTIONS as readonly string[]).includes(fn)) problems.push({ pointer: child(here, "function"), detail: `Spectral's "${fn}" function is not supported (supported: ${CORE_FUNCTIONS.join(", ")}).` });
      else if (!isCoreFunction(fn)) problems.push({ pointer: child(here, "function"), detail: `"${fn}" is not a core function (supported: ${CORE_FUNCTIONS.join(", ")}); custom functions are never run.` });
      if (entry.field !== undefined && typeof entry.field !== "string") problems.push({ pointer: child(here, "field"), detail: "`field` must be a string." });
      then.push({ ...(typeof entry.field === "string" ? { field: entry.field } : {}), function: fn as CoreFunction, ...(entry.functionOptions !== undefined ? { functionOptions: entry.functionOptions } : {}) });
    });

    // formats: the rule's own, else the ruleset's.
    let formats = this.defaultFormats;
    if (definition.formats !== undefined) formats = this.readFormats(definition.formats, child(pointer, "formats"), name);
    const listed = definition.formats ?? (this.defaultFormats ? true : undefined);
    if (listed !== undefined && formats && !formats.length) {
      this.add("ignored", name, definition.formats !== undefined ? child(pointer, "formats") : "/formats", "None of its formats is an OpenAPI format Portico takes (oas2, oas3, oas3_0, oas3_1): it would never apply.");
      return;
    }

    const rule: RulesetRule = {
      name,
      ...(typeof definition.description === "string" ? { description: definition.description } : {}),
      ...(typeof definition.message === "string" ? { message: definition.message } : {}),
      severity: severity === true || severity === undefined ? "warn" : severity,
      given,
      then,
      ...(formats ? { formats } : {}),
      resolved: definition.resolved !== false,
    };
    if (!problems.length) {
      try {
        compileRule(rule, { given: givenPointers, then: thenPointers });
      } catch (error) {
        if (!(error instanceof RuleCompileError)) throw error;
        problems.push({ pointer: pointer + error.pointer, detail: error.message });
      }
    }
    for (const note of notes) this.add("ignored", name, note.pointer, note.detail);
    if (problems.length) {
      for (const problem of problems) this.add("refused", name, problem.pointer, problem.detail);
      return;
    }
    this.rules.push(rule);
    const shown = rule.severity === "info" || rule.severity === "hint" ? `${rule.severity}, reported as a warning` : rule.severity === "error" ? "error: blocks publishing" : "warning";
    this.add("accepted", name, pointer, `Applied as ${this.name}/${name} (${shown})${rule.formats ? ` to ${rule.formats.join(", ")} documents` : ""}.`);
  }

  private override(name: string, setting: Setting, pointer: string) {
    const mapped = mapSpectralOasOverride(name, setting);
    if (mapped.kind === "mapped") {
      this.builtinOverrides[mapped.porticoRule] = mapped.severity;
      const what = mapped.severity === "off" ? "switched off" : `set to ${mapped.severity === "warn" ? "warning" : "error"}`;
      this.add("mapped", name, pointer, `spectral:oas "${name}" → Portico's built-in rule "${mapped.porticoRule}", ${what} while this ruleset is enabled${mapped.approximate ? " (a close counterpart, not an exact one)" : ""}.`);
    } else if (mapped.kind === "not-applied") {
      this.add("ignored", name, pointer, `spectral:oas "${name}" is not applied: ${mapped.reason}`);
    } else {
      this.add("ignored", name, pointer, `There is no rule "${name}" in spectral:oas or in this ruleset to change.`);
    }
  }
}

/**
 * Reads a ruleset and says what Portico makes of it, without storing
 * anything. Throws an AppError (422, 413) when the text cannot be a ruleset at
 * all; everything else is an item of the result.
 */
export function parseRuleset(source: string, options: { name: string; fileName?: string }): RulesetImport {
  const name = checkRulesetName(options.name);
  const { value, yaml, format, lines } = readText(source, options.fileName);
  if (!isRecord(value)) refuse("ruleset-not-a-ruleset", "This is not a Spectral ruleset: its top level must be a map with `rules` (and optionally `extends`).");
  if (!Object.hasOwn(value, "rules") && !Object.hasOwn(value, "extends")) {
    refuse("ruleset-not-a-ruleset", "This is not a Spectral ruleset: it has neither `rules` nor `extends`.");
  }
  const reader = new Reader(name);
  reader.read(value);

  const offsets = locateYamlPointers(yaml, reader.items.map((item) => item.pointer));
  const items = reader.items.map((item) => ({ ...item, ...place(lines, offsets.get(item.pointer)) }));
  items.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || IMPORT_STATUSES.indexOf(a.status) - IMPORT_STATUSES.indexOf(b.status));
  const counts = Object.fromEntries(IMPORT_STATUSES.map((status) => [status, items.filter((item) => item.status === status).length])) as Record<ImportStatus, number>;
  return { definition: { name, rules: reader.rules, builtinOverrides: reader.builtinOverrides }, items, counts, format };
}

const place = (lines: LinePositions, offset: number | undefined): Partial<LineColumn> => (offset === undefined ? {} : lines.at(offset));

/** Whether anything in the import would apply. */
export const appliesAnything = (imported: RulesetImport) => imported.definition.rules.length > 0 || Object.keys(imported.definition.builtinOverrides).length > 0;

// ---------------------------------------------------------------------------
// Stored form (GovernanceRuleset.rules)

const storedRuleSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  message: z.string().optional(),
  severity: z.enum(["error", "warn", "info", "hint"]),
  given: z.array(z.string()).min(1),
  then: z.array(z.object({ field: z.string().optional(), function: z.enum(CORE_FUNCTIONS), functionOptions: z.unknown().optional() })).min(1),
  formats: z.array(z.enum(["oas2", "oas3", "oas3_0", "oas3_1"])).optional(),
  resolved: z.boolean(),
});

const storedItemSchema = z.object({
  status: z.enum(["accepted", "mapped", "ignored", "refused"]),
  subject: z.string(),
  pointer: z.string(),
  line: z.number().optional(),
  column: z.number().optional(),
  detail: z.string(),
});

export const storedRulesetSchema = z.object({
  version: z.literal(1),
  rules: z.array(storedRuleSchema),
  builtinOverrides: z.record(z.string(), z.enum(["error", "warn", "off"])),
  items: z.array(storedItemSchema),
});

export type StoredRuleset = z.infer<typeof storedRulesetSchema>;

export function toStored(imported: RulesetImport): StoredRuleset {
  return { version: 1, rules: imported.definition.rules, builtinOverrides: imported.definition.builtinOverrides as StoredRuleset["builtinOverrides"], items: imported.items };
}
