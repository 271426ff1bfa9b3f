// The first step of every upload (page, REST, CLI): text in, an OpenAPI 3.x
// document out, or a SpecError listing every problem with where it is.
//
// - JSON or YAML, told apart by the first character ("{" or "[" is JSON).
// - Limits: size (PORTICO_MAX_SPEC_BYTES, 20 MB by default), nesting depth
//   (200), YAML aliases (a "billion laughs" document is refused, not expanded).
// - References: only local ones ("#/…"). Anything else (http(s), file:, a
//   relative file) is refused with the pointer of each, and never fetched.
//   Circular local references are fine: nothing here dereferences.
// - Swagger 2.0 is converted to OpenAPI 3.0 with swagger2openapi; the parsed
//   2.0 document is kept as `original`.
import * as momoa from "@humanwhocodes/momoa";
import { parseDocument, type Document as YamlDocument } from "yaml";
import swagger2openapi from "swagger2openapi";
import type { FieldError } from "@/lib/errors";
import type { OpenApiDocument } from "@/lib/specs/operations";
import { LinePositions, locateJsonPointers, locateYamlPointers, pointerFrom, type LineColumn } from "@/lib/specs/locate";
import { SpecError } from "@/lib/specs/spec-error";
import { scanYamlDepth } from "@/lib/specs/yaml-depth";

export { SpecError, type SpecErrorCode } from "@/lib/specs/spec-error";

export type SpecFormat = "json" | "yaml";
export type SourceVersion = "2.0" | "3.0" | "3.1";

export interface ParsedSpec {
  /** Always OpenAPI 3.x: the upload itself, or its conversion from Swagger 2.0. */
  document: OpenApiDocument;
  /** The parsed upload. The same object as `document` unless converted. */
  original: unknown;
  format: SpecFormat;
  sourceVersion: SourceVersion;
  converted: boolean;
  /** The text as uploaded. */
  sourceText: string;
}

export interface ParseOptions {
  /** Default: PORTICO_MAX_SPEC_BYTES, or 20 MB. */
  maxBytes?: number;
  /** Deepest nesting of objects and arrays accepted. Default 200. */
  maxDepth?: number;
}

export const DEFAULT_MAX_SPEC_BYTES = 20 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 200;
/** Alias expansions a YAML document may cost (the `yaml` package's count). */
const MAX_YAML_ALIAS_COUNT = 100;
/** Problems of one kind listed in an error; the message gives the total. */
const MAX_LISTED = 100;

/** The configured size limit in bytes (PORTICO_MAX_SPEC_BYTES), read on each call. */
export function maxSpecBytes(): number {
  const configured = Number(process.env.PORTICO_MAX_SPEC_BYTES);
  return Number.isFinite(configured) && configured > 0 ? Math.floor(configured) : DEFAULT_MAX_SPEC_BYTES;
}

/** "1000 bytes", "2.7 KB (2748 bytes)", "20 MB (20971520 bytes)". */
function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [amount, unit] = bytes < 1024 * 1024 ? [bytes / 1024, "KB"] : [bytes / (1024 * 1024), "MB"];
  return `${amount.toFixed(1).replace(/\.0$/, "")} ${unit} (${bytes} bytes)`;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

// YAML documents of each ParsedSpec, kept to place lint findings in the text
// without parsing it again. Weak: they go when the ParsedSpec goes.
const yamlDocuments = new WeakMap<ParsedSpec, YamlDocument>();

/**
 * Line and column of pointers in a parsed upload's text. Empty for a converted
 * Swagger 2.0 document: its pointers name places in the OpenAPI 3 conversion,
 * which has no text.
 */
export function locateInSource(parsed: ParsedSpec, pointers: Iterable<string>): Map<string, LineColumn> {
  const result = new Map<string, LineColumn>();
  if (parsed.converted) return result;
  const list = [...pointers];
  if (!list.length) return result;
  let offsets: Map<string, number>;
  const text = stripBom(parsed.sourceText);
  if (parsed.format === "json") {
    offsets = locateJsonPointers(text, list);
  } else {
    let yaml = yamlDocuments.get(parsed);
    if (!yaml) {
      yaml = parseDocument(text, YAML_OPTIONS);
      yamlDocuments.set(parsed, yaml);
    }
    offsets = locateYamlPointers(yaml, list);
  }
  const lines = new LinePositions(text);
  for (const [pointer, offset] of offsets) result.set(pointer, lines.at(offset));
  return result;
}

const YAML_OPTIONS = { prettyErrors: false, merge: true, uniqueKeys: true } as const;

const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

export async function parseSpec(text: string, options: ParseOptions = {}): Promise<ParsedSpec> {
  const maxBytes = options.maxBytes ?? maxSpecBytes();
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;

  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > maxBytes) {
    const detail = `The document is ${size(bytes)}; the limit is ${size(maxBytes)}.`;
    throw new SpecError("payload-too-large", "spec-too-large", detail, [{ pointer: "", detail }]);
  }

  const body = stripBom(text);
  const firstChar = body.trimStart()[0];
  if (firstChar === undefined) {
    const detail = "The document is empty.";
    throw new SpecError("validation", "spec-empty", detail, [{ pointer: "", detail }]);
  }
  const format: SpecFormat = firstChar === "{" || firstChar === "[" ? "json" : "yaml";

  let lines: LinePositions | undefined;
  const position = (offset: number): LineColumn => (lines ??= new LinePositions(body)).at(offset);

  let yamlDocument: YamlDocument | undefined;
  let value: unknown;
  if (format === "json") {
    value = parseJson(body, position);
  } else {
    const excess = scanYamlDepth(body, maxDepth);
    if (excess) throw tooDeep(maxDepth, "", position(excess.offset));
    yamlDocument = parseDocument(body, YAML_OPTIONS);
    value = yamlToValue(yamlDocument, maxDepth, position);
  }

  // Where a pointer is in the text, for errors found on the parsed value.
  const locate = (pointers: string[]): Map<string, LineColumn> => {
    const offsets = format === "json" ? locateJsonPointers(body, pointers) : locateYamlPointers(yamlDocument!, pointers);
    return new Map([...offsets].map(([pointer, offset]) => [pointer, position(offset)]));
  };
  const withPosition = (error: FieldError): FieldError => ({ ...error, ...locate([error.pointer]).get(error.pointer) });

  if (!isPlainObject(value)) {
    const detail = `This is not an OpenAPI or Swagger document: its top level is ${describe(value)}, not an object with an "openapi" or "swagger" field.`;
    throw new SpecError("validation", "spec-not-openapi", detail, [{ pointer: "", detail }]);
  }

  const sourceVersion = detectVersion(value, withPosition);
  const { tooDeepAt, cycleAt, externalRefs } = inspect(value, maxDepth, format === "yaml");
  if (cycleAt) {
    const pointer = pointerFrom(cycleAt);
    const detail = "This YAML alias refers to a node that contains it (a recursive alias); such a document cannot be represented as JSON.";
    throw new SpecError("validation", "spec-recursive-alias", detail, [withPosition({ pointer, detail })]);
  }
  if (tooDeepAt) throw tooDeep(maxDepth, pointerFrom(tooDeepAt), locate([pointerFrom(tooDeepAt)]).get(pointerFrom(tooDeepAt)));
  if (externalRefs.length) {
    const listed = externalRefs.slice(0, MAX_LISTED);
    const places = locate(listed.map((ref) => ref.pointer));
    const errors = listed.map(({ pointer, ref }) => ({
      pointer,
      detail: `External reference ${JSON.stringify(ref)}: Portico never fetches other documents or files. Only local references ("#/…") are accepted; bundle the document into one file first (for example with \`redocly bundle\`).`,
      ...places.get(pointer),
    }));
    const message = `The document has ${plural(externalRefs.length, "external $ref")}${externalRefs.length > listed.length ? ` (the first ${listed.length} are listed)` : ""}. Only local references ("#/…") are accepted; nothing was fetched.`;
    throw new SpecError("validation", "spec-external-ref", message, errors);
  }

  let parsed: ParsedSpec;
  if (sourceVersion === "2.0") {
    parsed = { document: await convertSwagger2(value, body), original: value, format, sourceVersion, converted: true, sourceText: text };
  } else {
    parsed = { document: value as unknown as OpenApiDocument, original: value, format, sourceVersion, converted: false, sourceText: text };
  }
  if (yamlDocument) yamlDocuments.set(parsed, yamlDocument);
  return parsed;
}

function parseJson(body: string, position: (offset: number) => LineColumn): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    // V8's message says what is wrong; momoa says where (line and column).
    const v8 = error instanceof Error ? error.message : String(error);
    const what = v8.replace(/\s+in JSON at position \d+.*$/s, "").replace(/^Unexpected end of JSON input$/, "Unexpected end of the document");
    let place: LineColumn | undefined;
    try {
      momoa.parse(body, { mode: "json" });
    } catch (located) {
      const { line, column } = located as { line?: unknown; column?: unknown };
      if (typeof line === "number" && typeof column === "number") place = { line, column };
    }
    if (!place) {
      const offset = /at position (\d+)/.exec(v8)?.[1];
      if (offset !== undefined) place = position(Number(offset));
    }
    const detail = `Invalid JSON: ${what}${place ? ` (line ${place.line}, column ${place.column})` : ""}.`;
    throw new SpecError("validation", "spec-syntax", detail, [{ pointer: "", detail: `Invalid JSON: ${what}.`, ...place }]);
  }
}

function yamlToValue(document: YamlDocument, maxDepth: number, position: (offset: number) => LineColumn): unknown {
  if (document.errors.length) {
    // The composer gives up on very deep input with a stack overflow, which
    // it reports as an ordinary error.
    const overflow = document.errors.find((error) => /Maximum call stack/i.test(error.message));
    if (overflow) throw tooDeep(maxDepth, "", position(overflow.pos[0]));
    const listed = document.errors.slice(0, MAX_LISTED);
    const errors = listed.map((error) => ({ pointer: "", detail: `Invalid YAML: ${error.message}.`, ...position(error.pos[0]) }));
    const first = errors[0];
    const message = `Invalid YAML: ${listed[0].message} (line ${first.line}, column ${first.column})${document.errors.length > 1 ? `, and ${plural(document.errors.length - 1, "more problem")}` : ""}.`;
    throw new SpecError("validation", "spec-syntax", message, errors);
  }
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError && /alias count/i.test(error.message)) {
      const detail = `The YAML expands its aliases too many times (more than ${MAX_YAML_ALIAS_COUNT}): this is how "billion laughs" documents exhaust memory, so it is refused.`;
      throw new SpecError("validation", "spec-alias-bomb", detail, [{ pointer: "", detail }]);
    }
    if (error instanceof RangeError) throw tooDeep(maxDepth, "", undefined);
    const detail = `Invalid YAML: ${error instanceof Error ? error.message : String(error)}.`;
    throw new SpecError("validation", "spec-syntax", detail, [{ pointer: "", detail }]);
  }
}

function tooDeep(maxDepth: number, pointer: string, place: LineColumn | undefined): SpecError {
  const detail = `The document nests deeper than ${maxDepth} levels of objects and arrays.`;
  return new SpecError("validation", "spec-too-deep", detail, [{ pointer, detail, ...place }]);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function describe(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}

function detectVersion(root: Record<string, unknown>, withPosition: (error: FieldError) => FieldError): SourceVersion {
  const fail = (code: "spec-not-openapi" | "spec-unsupported-version", pointer: string, detail: string): never => {
    throw new SpecError("validation", code, detail, [withPosition({ pointer, detail })]);
  };
  if ("openapi" in root) {
    const version = root.openapi;
    if (typeof version !== "string") {
      return fail("spec-unsupported-version", "/openapi", `"openapi" must be a string such as "3.1.0", not ${JSON.stringify(version)} (in YAML, quote it: openapi: "3.1.0").`);
    }
    if (/^3\.0\.\d+(-[\w.]+)?$/.test(version)) return "3.0";
    if (/^3\.1\.\d+(-[\w.]+)?$/.test(version)) return "3.1";
    return fail("spec-unsupported-version", "/openapi", `OpenAPI ${version} is not supported. Portico accepts OpenAPI 3.0.x and 3.1.x, and Swagger 2.0.`);
  }
  if ("swagger" in root) {
    if (root.swagger === "2.0") return "2.0";
    const quoted = typeof root.swagger === "number" && root.swagger === 2;
    return fail(
      "spec-unsupported-version",
      "/swagger",
      quoted ? `"swagger" must be the string "2.0" (in YAML, quote it: swagger: "2.0").` : `Swagger ${JSON.stringify(root.swagger)} is not supported. Portico accepts Swagger 2.0, and OpenAPI 3.0.x and 3.1.x.`,
    );
  }
  return fail("spec-not-openapi", "", `This is not an OpenAPI or Swagger document: it has no "openapi" or "swagger" field.`);
}

interface Inspection {
  tooDeepAt?: (string | number)[];
  cycleAt?: (string | number)[];
  externalRefs: { pointer: string; ref: string }[];
}

/**
 * One walk over the parsed value: depth, cycles (a YAML alias inside its own
 * anchor makes the value circular) and every `$ref` that is not local. A
 * `$ref` is local when it starts with "#"; anything else would make a
 * resolver read a file or a URL.
 */
function inspect(root: object, maxDepth: number, checkCycles: boolean): Inspection {
  const path: (string | number)[] = [];
  const ancestors = new Set<object>();
  const result: Inspection = { externalRefs: [] };
  class Stop extends Error {}

  const visit = (value: object, depth: number): void => {
    if (depth > maxDepth) {
      result.tooDeepAt = [...path];
      throw new Stop();
    }
    if (checkCycles) {
      if (ancestors.has(value)) {
        result.cycleAt = [...path];
        throw new Stop();
      }
      ancestors.add(value);
    }
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        if (typeof item === "object" && item !== null) {
          path.push(index);
          visit(item, depth + 1);
          path.pop();
        }
      }
    } else {
      for (const key of Object.keys(value)) {
        const item: unknown = (value as Record<string, unknown>)[key];
        if (key === "$ref" && typeof item === "string" && !item.startsWith("#")) {
          result.externalRefs.push({ pointer: pointerFrom([...path, key]), ref: item });
        }
        if (typeof item === "object" && item !== null) {
          path.push(key);
          visit(item, depth + 1);
          path.pop();
        }
      }
    }
    if (checkCycles) ancestors.delete(value);
  };

  try {
    visit(root, 1);
  } catch (error) {
    if (error instanceof RangeError) result.tooDeepAt = [...path];
    else if (!(error instanceof Stop)) throw error;
  }
  return result;
}

async function convertSwagger2(original: Record<string, unknown>, body: string): Promise<OpenApiDocument> {
  try {
    // patch: fix what the converter knows how to fix; otherwise it rejects.
    // resolve: false — never load anything (external refs were refused above).
    // anchors: YAML aliases make shared objects, which it would refuse.
    // text: without it, the converter re-serialises the whole input to YAML.
    const options = { patch: true, warnOnly: false, resolve: false, anchors: true, direct: true, text: body };
    const converted = (await swagger2openapi.convertObj(original as never, options as never)) as unknown;
    return converted as OpenApiDocument;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const detail = `This Swagger 2.0 document could not be converted to OpenAPI 3: ${reason}`;
    throw new SpecError("validation", "spec-conversion", detail, [{ pointer: "", detail }]);
  }
}
