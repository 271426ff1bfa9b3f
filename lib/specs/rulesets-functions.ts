// Spectral's core functions, for imported rulesets: what each accepts, what
// it reports, and its messages, as in @stoplight/spectral-functions (v6).
// A function is compiled once per rule with its options, which are checked
// at import (a bad option is reported with its pointer in the ruleset).
//
// As in Spectral, a function that gets an input of a kind it does not check
// (pattern on a number, casing on an object) reports nothing.
import AjvDraft7 from "@redocly/ajv";
import AjvDraft4 from "@redocly/ajv/dist/draft4";
import Ajv2019 from "@redocly/ajv/dist/2019";
import Ajv2020 from "@redocly/ajv/dist/2020";
import type { ErrorObject, ValidateFunction } from "@redocly/ajv";
import addFormats from "ajv-formats";
import type { PathKey } from "@/lib/specs/rulesets-jsonpath";
import { unsafeRegexReason } from "@/lib/specs/rulesets-regex";

export const CORE_FUNCTIONS = ["truthy", "falsy", "defined", "undefined", "pattern", "enumeration", "length", "casing", "alphabetical", "xor", "schema"] as const;
export type CoreFunction = (typeof CORE_FUNCTIONS)[number];

/** Spectral's other built-in functions: known, not supported here. */
export const UNSUPPORTED_SPECTRAL_FUNCTIONS = ["unreferencedReusableObject", "typedEnum", "or"] as const;

export const isCoreFunction = (name: unknown): name is CoreFunction => typeof name === "string" && (CORE_FUNCTIONS as readonly string[]).includes(name);

export interface FunctionResult {
  /** May hold #{{print("property")}}, #{{print("value")}} (lib/specs/rulesets-evaluate.ts interpolates). */
  message: string;
  /** Where, below the function's input, when not at the input itself. */
  path?: PathKey[];
}

export type RuleFunction = (input: unknown) => FunctionResult[] | undefined;

/** A function option that cannot be used; `pointer` is relative to `functionOptions`. */
export class FunctionOptionsError extends Error {
  constructor(
    message: string,
    readonly pointer = "",
  ) {
    super(message);
    this.name = "FunctionOptionsError";
  }
}

type Options = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isObjectLike = (value: unknown): value is object => typeof value === "object" && value !== null;

/** Spectral's printValue. */
export function printValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "object" && value !== null) {
    if (Array.isArray(value)) return "Array[]";
    if (value instanceof RegExp) return String(value.source);
    return "Object{}";
  }
  return JSON.stringify(value);
}

function options(name: string, raw: unknown, allowed: string[]): Options {
  if (!isPlainObject(raw)) throw new FunctionOptionsError(`"${name}" function needs options (an object).`);
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw new FunctionOptionsError(`"${name}" function does not support "${key}" option.`, `/${key}`);
  }
  return raw;
}

function noOptions(name: string, raw: unknown) {
  if (raw !== undefined && raw !== null) throw new FunctionOptionsError(`"${name}" function does not accept any options.`);
}

/** A regular expression as Spectral reads it: "/source/flags" or a bare source. */
export function compilePattern(pattern: string, name: string, pointer: string): RegExp {
  const slashed = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  const [source, flags] = slashed ? [slashed[1], slashed[2]] : [pattern, ""];
  const unsafe = unsafeRegexReason(source);
  if (unsafe) throw new FunctionOptionsError(`"${name}" function: the pattern ${JSON.stringify(pattern)} ${unsafe}.`, pointer);
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new FunctionOptionsError(`"${name}" function: ${JSON.stringify(pattern)} is not a valid regular expression (${error instanceof Error ? error.message : String(error)}).`, pointer);
  }
}

const test = (pattern: RegExp, value: string) => {
  pattern.lastIndex = 0;
  return pattern.test(value);
};

// ---------------------------------------------------------------------------

const CASES: Record<string, string> = {
  flat: "[a-z][a-z{__DIGITS__}]*",
  camel: "[a-z][a-z{__DIGITS__}]*(?:[A-Z{__DIGITS__}](?:[a-z{__DIGITS__}]+|$))*",
  pascal: "[A-Z][a-z{__DIGITS__}]*(?:[A-Z{__DIGITS__}](?:[a-z{__DIGITS__}]+|$))*",
  kebab: "[a-z][a-z{__DIGITS__}]*(?:-[a-z{__DIGITS__}]+)*",
  cobol: "[A-Z][A-Z{__DIGITS__}]*(?:-[A-Z{__DIGITS__}]+)*",
  snake: "[a-z][a-z{__DIGITS__}]*(?:_[a-z{__DIGITS__}]+)*",
  macro: "[A-Z][A-Z{__DIGITS__}]*(?:_[A-Z{__DIGITS__}]+)*",
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function casing(raw: unknown): RuleFunction {
  const opts = options("casing", raw, ["type", "disallowDigits", "separator"]);
  const type = opts.type;
  if (typeof type !== "string" || !Object.hasOwn(CASES, type)) {
    throw new FunctionOptionsError(`"casing" function and its "type" option accept the following values: ${Object.keys(CASES).join(", ")}.`, "/type");
  }
  if (opts.disallowDigits !== undefined && typeof opts.disallowDigits !== "boolean") throw new FunctionOptionsError(`"casing" function and its "disallowDigits" option accepts only true or false.`, "/disallowDigits");
  let separator: { char: string; allowLeading: boolean } | undefined;
  if (opts.separator !== undefined) {
    const raw = opts.separator;
    if (!isPlainObject(raw) || typeof raw.char !== "string" || raw.char.length !== 1) throw new FunctionOptionsError(`"casing" function and its "separator.char" option accepts only one character, i.e. "/".`, "/separator/char");
    if (raw.allowLeading !== undefined && typeof raw.allowLeading !== "boolean") throw new FunctionOptionsError(`"casing" function and its "separator.allowLeading" option accepts only true or false.`, "/separator/allowLeading");
    for (const key of Object.keys(raw)) if (key !== "char" && key !== "allowLeading") throw new FunctionOptionsError(`"casing" function does not support "separator.${key}" option.`, `/separator/${key}`);
    separator = { char: raw.char, allowLeading: raw.allowLeading === true };
  }
  const base = CASES[type].replace(/\{__DIGITS__\}/g, opts.disallowDigits === true ? "" : "0-9");
  let pattern: RegExp;
  if (!separator) pattern = new RegExp(`^${base}$`);
  else {
    const char = `[${escapeRegExp(separator.char)}]`;
    pattern = new RegExp(`^${separator.allowLeading ? `${char}?` : ""}${base}(?:${char}${base})*$`);
  }
  return (input) => {
    if (typeof input !== "string" || input.length === 0) return undefined;
    if (input.length === 1 && separator?.allowLeading && input === separator.char) return undefined;
    return pattern.test(input) ? undefined : [{ message: `#{{print("property")}}must be ${type} case` }];
  };
}

function pattern(raw: unknown): RuleFunction {
  const opts = options("pattern", raw, ["match", "notMatch"]);
  if (opts.match === undefined && opts.notMatch === undefined) throw new FunctionOptionsError(`"pattern" function needs "match" or "notMatch" option. Example valid options: { "match": "^Stoplight" }, { "notMatch": "Swagger" }.`);
  for (const key of ["match", "notMatch"]) {
    if (opts[key] !== undefined && typeof opts[key] !== "string") throw new FunctionOptionsError(`"pattern" function and its "${key}" option must be a string.`, `/${key}`);
  }
  const match = typeof opts.match === "string" ? compilePattern(opts.match, "pattern", "/match") : undefined;
  const notMatch = typeof opts.notMatch === "string" ? compilePattern(opts.notMatch, "pattern", "/notMatch") : undefined;
  return (input) => {
    if (typeof input !== "string") return undefined;
    const results: FunctionResult[] = [];
    if (match && !test(match, input)) results.push({ message: `#{{print("value")}} must match the pattern ${printValue(opts.match)}` });
    if (notMatch && test(notMatch, input)) results.push({ message: `#{{print("value")}} must not match the pattern ${printValue(opts.notMatch)}` });
    return results.length ? results : undefined;
  };
}

const isPrimitive = (value: unknown) => value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean";

function enumeration(raw: unknown): RuleFunction {
  const opts = options("enumeration", raw, ["values"]);
  if (!Array.isArray(opts.values) || !opts.values.every(isPrimitive)) {
    throw new FunctionOptionsError(`"enumeration" and its "values" option support only arrays of primitive values, i.e. ["Berlin", "London", "Paris"].`, "/values");
  }
  const values = opts.values as unknown[];
  return (input) => {
    if (!isPrimitive(input)) return undefined;
    return values.includes(input) ? undefined : [{ message: `#{{print("value")}} must be equal to one of the allowed values: ${values.map(printValue).join(", ")}` }];
  };
}

function length(raw: unknown): RuleFunction {
  const opts = options("length", raw, ["min", "max"]);
  if (opts.min === undefined && opts.max === undefined) throw new FunctionOptionsError(`"length" function has invalid options specified. Example valid options: { "min": 2 }, { "max": 5 }, { "min": 0, "max": 10 }.`);
  for (const key of ["min", "max"]) {
    if (opts[key] !== undefined && typeof opts[key] !== "number") throw new FunctionOptionsError(`"length" function and its "${key}" option accepts only numbers.`, `/${key}`);
  }
  const min = opts.min as number | undefined;
  const max = opts.max as number | undefined;
  return (input) => {
    let value: number;
    if (isPlainObject(input)) value = Object.keys(input).length;
    else if (Array.isArray(input) || typeof input === "string") value = input.length;
    else if (typeof input === "number") value = input;
    else return undefined;
    const results: FunctionResult[] = [];
    if (min !== undefined && value < min) results.push({ message: `#{{print("property")}}must not be shorter than ${printValue(min)}` });
    if (max !== undefined && value > max) results.push({ message: `#{{print("property")}}must be shorter than ${printValue(max)}` });
    return results.length ? results : undefined;
  };
}

function compareItems(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return Math.sign(a - b);
  if (typeof a === "string" && typeof b === "string") return a.localeCompare(b, "en");
  return 0;
}

function alphabetical(raw: unknown): RuleFunction {
  let keyedBy: string | undefined;
  if (raw !== undefined && raw !== null) {
    const opts = options("alphabetical", raw, ["keyedBy"]);
    if (opts.keyedBy !== undefined && typeof opts.keyedBy !== "string") throw new FunctionOptionsError(`"alphabetical" function and its "keyedBy" option accepts only a string.`, "/keyedBy");
    keyedBy = opts.keyedBy as string | undefined;
  }
  return (input) => {
    if (!isObjectLike(input)) return undefined;
    let items: unknown[] = Array.isArray(input) ? input : Object.keys(input);
    if (items.length < 2) return undefined;
    if (keyedBy !== undefined) {
      if (!items.every(isObjectLike)) return [{ message: `#{{print("property")}}must be an object` }];
      items = items.map((item) => (item as Record<string, unknown>)[keyedBy!]);
    }
    if (!items.every((item) => typeof item === "string" || typeof item === "number")) return [{ message: `#{{print("property")}}must be one of the allowed types: number, string` }];
    for (let index = 0; index < items.length - 1; index++) {
      if (compareItems(items[index], items[index + 1]) >= 1) {
        if (keyedBy !== undefined) return [{ message: "properties must follow the alphabetical order" }];
        return [{ message: `${printValue(items[index])} must be placed after ${printValue(items[index + 1])}`, path: [Array.isArray(input) ? index : (items[index] as string)] }];
      }
    }
    return undefined;
  };
}

function xor(raw: unknown): RuleFunction {
  const opts = options("xor", raw, ["properties"]);
  const properties = opts.properties;
  if (!Array.isArray(properties) || properties.length < 2 || !properties.every((property) => typeof property === "string")) {
    throw new FunctionOptionsError(`"xor" and its "properties" option need at least two property names, i.e. ["id", "name"].`, "/properties");
  }
  const names = properties as string[];
  const message =
    names.length === 2
      ? `${printValue(names[0])} and ${printValue(names[1])} must not be both defined or both undefined`
      : `exactly one of ${names.map(printValue).join(", ")} must be defined`;
  return (input) => {
    if (!isPlainObject(input)) return undefined;
    const present = Object.keys(input).filter((key) => names.includes(key));
    return present.length === 1 ? undefined : [{ message }];
  };
}

// ---------------------------------------------------------------------------
// schema

type Dialect = "draft4" | "draft6" | "draft7" | "draft2019-09" | "draft2020-12";
const DIALECTS = ["auto", "draft4", "draft6", "draft7", "draft2019-09", "draft2020-12"];

function detectDialect(schema: Record<string, unknown>): Dialect {
  const declared = typeof schema.$schema === "string" ? schema.$schema : "";
  if (/draft-04/.test(declared)) return "draft4";
  if (/draft-06/.test(declared)) return "draft6";
  if (/2019-09/.test(declared)) return "draft2019-09";
  if (/2020-12/.test(declared)) return "draft2020-12";
  return "draft7";
}

interface AjvLike {
  compile(schema: object): ValidateFunction;
}

function newAjv(dialect: Dialect, allErrors: boolean): AjvLike {
  // strict: false — rulesets' schemas carry annotations (x-…, example) that
  // strict mode rejects. Nothing is ever loaded: there is no loadSchema.
  const options = { allErrors, strict: false, logger: false as const, validateFormats: true };
  const ajv = dialect === "draft4" ? new AjvDraft4(options) : dialect === "draft2019-09" ? new Ajv2019(options) : dialect === "draft2020-12" ? new Ajv2020(options) : new AjvDraft7(options);
  (addFormats as unknown as (instance: unknown) => void)(ajv);
  return ajv;
}

/** Every `$ref` in a schema must point inside it; patterns must be safe. */
function checkSchema(value: unknown, pointer: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkSchema(item, `${pointer}/${index}`));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, item] of Object.entries(value)) {
    const here = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (key === "$ref" && typeof item === "string" && !item.startsWith("#")) {
      throw new FunctionOptionsError(`"schema" function: the schema refers to ${JSON.stringify(item)}; only references inside the schema ("#/…") are followed, nothing is fetched.`, here);
    }
    if (key === "pattern" && typeof item === "string") {
      const unsafe = unsafeRegexReason(item);
      if (unsafe) throw new FunctionOptionsError(`"schema" function: the pattern ${JSON.stringify(item)} ${unsafe}.`, here);
    }
    if (key === "patternProperties" && isPlainObject(item)) {
      for (const name of Object.keys(item)) {
        const unsafe = unsafeRegexReason(name);
        if (unsafe) throw new FunctionOptionsError(`"schema" function: the pattern ${JSON.stringify(name)} ${unsafe}.`, `${here}/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`);
      }
    }
    checkSchema(item, here);
  }
}

function describeAjvError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const base = error.message ?? "is invalid";
  switch (error.keyword) {
    case "additionalProperties":
      return `${base}: "${String(params.additionalProperty)}"`;
    case "enum":
      return `${base}: ${(params.allowedValues as unknown[]).map(printValue).join(", ")}`;
    case "const":
      return `${base}: ${printValue(params.allowedValue)}`;
    default:
      return base;
  }
}

function schema(raw: unknown): RuleFunction {
  const opts = options("schema", raw, ["schema", "dialect", "allErrors"]);
  if (!isPlainObject(opts.schema)) throw new FunctionOptionsError(`"schema" function needs a "schema" option (an object with a JSON Schema).`, "/schema");
  if (opts.dialect !== undefined && (typeof opts.dialect !== "string" || !DIALECTS.includes(opts.dialect))) {
    throw new FunctionOptionsError(`"schema" function and its "dialect" option accepts only the following values: ${DIALECTS.join(", ")}.`, "/dialect");
  }
  if (opts.allErrors !== undefined && typeof opts.allErrors !== "boolean") throw new FunctionOptionsError(`"schema" function and its "allErrors" option accepts only true or false.`, "/allErrors");
  checkSchema(opts.schema, "/schema");

  let schemaObject = opts.schema;
  const dialect = opts.dialect === undefined || opts.dialect === "auto" ? detectDialect(schemaObject) : (opts.dialect as Dialect);
  if (dialect === "draft6") {
    // Read as draft 7, its successor (Spectral migrates draft 6 the same way).
    schemaObject = { ...schemaObject };
    delete schemaObject.$schema;
  }
  let validate: ValidateFunction;
  try {
    validate = newAjv(dialect, opts.allErrors === true).compile(schemaObject);
  } catch (error) {
    throw new FunctionOptionsError(`"schema" function: the schema is not valid: ${error instanceof Error ? error.message : String(error)}.`, "/schema");
  }
  return (input) => {
    if (input === undefined) return [{ message: `#{{print("property")}}must exist` }];
    if (validate(input) !== false || !validate.errors) return undefined;
    return validate.errors.map((error) => {
      const path = error.instancePath ? error.instancePath.slice(1).split("/").map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~")) : [];
      return { message: `#{{print("property")}}${describeAjvError(error)}`, path };
    });
  };
}

// ---------------------------------------------------------------------------

export function compileFunction(name: CoreFunction, functionOptions: unknown): RuleFunction {
  switch (name) {
    case "truthy":
      noOptions(name, functionOptions);
      return (input) => (input ? undefined : [{ message: `#{{print("property")}}must be truthy` }]);
    case "falsy":
      noOptions(name, functionOptions);
      return (input) => (input ? [{ message: `#{{print("property")}}must be falsy` }] : undefined);
    case "defined":
      noOptions(name, functionOptions);
      return (input) => (input === undefined ? [{ message: `#{{print("property")}}must be defined` }] : undefined);
    case "undefined":
      noOptions(name, functionOptions);
      return (input) => (input === undefined ? undefined : [{ message: `#{{print("property")}}must be undefined` }]);
    case "pattern":
      return pattern(functionOptions);
    case "enumeration":
      return enumeration(functionOptions);
    case "length":
      return length(functionOptions);
    case "casing":
      return casing(functionOptions);
    case "alphabetical":
      return alphabetical(functionOptions);
    case "xor":
      return xor(functionOptions);
    case "schema":
      return schema(functionOptions);
  }
}
