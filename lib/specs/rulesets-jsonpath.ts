// JSONPath for imported rulesets: the JSONPath-Plus syntax Spectral rulesets
// are written in, evaluated the way Spectral evaluates `given`.
//
// Why not call jsonpath-plus once per `given`: every `$..` expression walks the
// whole document, and a 13 MB description with a dozen of them costs seconds.
// Instead each expression is compiled into a small automaton over its steps,
// and ONE walk of the document advances all of them at once (what Spectral's
// nimma does), skipping every subtree no expression can match in.
//
// jsonpath-plus still does the parts that must agree with it exactly: it
// splits an expression into steps (JSONPath.toPathArray) and parses filter
// expressions (its jsep-based SafeScript). The filter's syntax tree is then
// checked against an allow-list and compiled into closures here, so a ruleset
// can never run code: no assignments, no access to prototypes or
// constructors, and only a few side-effect-free string and array methods.
//
// `$ref`s: like Spectral, rules see the document with its local references
// resolved (a rule can say `resolved: false`). A referenced object is walked
// where it is defined, and a match inside it is reported at its definition
// (its JSON pointer is where it is in the document), so a shared schema is
// reported once, however many operations use it. Each referenced object is
// walked once per set of automaton states, which also ends reference cycles.
import { JSONPath } from "jsonpath-plus";
import { pointerTokens } from "@/lib/specs/locate";
import { unsafeRegexReason } from "@/lib/specs/rulesets-regex";

export type PathKey = string | number;

/** A construct this implementation does not take, with why. */
export class JsonPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JsonPathError";
  }
}

interface FilterContext {
  value: unknown;
  property: PathKey;
  parent: unknown;
  parentProperty: PathKey | null;
  root: unknown;
  path: () => string;
}

type Expression = (context: FilterContext) => unknown;

type Step =
  | { kind: "names"; names: ReadonlySet<string>; any: boolean }
  | { kind: "descend" }
  | { kind: "filter"; test: Expression }
  | { kind: "slice"; start: number | null; end: number | null; step: number }
  | { kind: "type"; test: (value: unknown) => boolean };

export interface CompiledPath {
  source: string;
  steps: Step[];
  /** Ends with `~`: the match is the property name, not its value. */
  keyOnly: boolean;
}

/** Steps are bits of a 32-bit mask (the last bit is "matched"). */
const MAX_STEPS = 30;

// ---------------------------------------------------------------------------
// Compiling an expression

export function compileJsonPath(source: string): CompiledPath {
  if (typeof source !== "string" || !source.startsWith("$")) {
    throw new JsonPathError(`"${String(source)}" is not a JSONPath expression: it must start with "$".`);
  }
  let parts: string[];
  try {
    parts = [...JSONPath.toPathArray(source)];
  } catch (error) {
    throw new JsonPathError(`"${source}" is not a valid JSONPath expression: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (parts[0] !== "$") throw new JsonPathError(`"${source}" is not a valid JSONPath expression: it must start with "$".`);
  parts = parts.slice(1);

  const steps: Step[] = [];
  let keyOnly = false;
  parts.forEach((part, index) => {
    const last = index === parts.length - 1;
    if (part === "~") {
      if (!last) throw new JsonPathError(`"${source}": "~" (property name) is supported at the end of an expression only.`);
      keyOnly = true;
    } else if (part === "^") {
      throw new JsonPathError(`"${source}": the parent selector "^" is not supported; select the parent itself and use "field".`);
    } else if (part === "$") {
      throw new JsonPathError(`"${source}": "$" may only start an expression.`);
    } else if (part === "..") {
      if (last) throw new JsonPathError(`"${source}": an expression cannot end with "..".`);
      steps.push({ kind: "descend" });
    } else if (part === "*") {
      steps.push({ kind: "names", names: new Set(), any: true });
    } else if (part.startsWith("?(")) {
      steps.push({ kind: "filter", test: compileFilter(part, source) });
    } else if (part.startsWith("(")) {
      throw new JsonPathError(`"${source}": script expressions like "${part}" are not supported (only filters, "?(…)", are).`);
    } else if (/^@[a-zA-Z]+\(\)$/.test(part)) {
      if (!last) throw new JsonPathError(`"${source}": a type selector like "${part}" is supported at the end of an expression only.`);
      steps.push({ kind: "type", test: typeSelector(part, source) });
    } else if (/^(-?\d*):(-?\d*):?(\d*)$/u.test(part)) {
      const [start, end, step] = part.split(":");
      steps.push({ kind: "slice", start: start ? Number.parseInt(start, 10) : null, end: end ? Number.parseInt(end, 10) : null, step: step ? Number.parseInt(step, 10) || 1 : 1 });
    } else if (part.startsWith("`")) {
      steps.push({ kind: "names", names: new Set([part.slice(1)]), any: false });
    } else if (part.includes(",")) {
      // A union. jsonpath-plus leaves quotes in ("a','b"); Spectral accepts
      // both ['a','b'] and [a,b], so both are read here.
      const names = part.split(",").map((name) => name.trim().replace(/^(['"])(.*)\1$/s, "$2").replace(/^'|'$/g, ""));
      steps.push({ kind: "names", names: new Set(names.filter((name) => name !== "*")), any: names.includes("*") });
    } else {
      steps.push({ kind: "names", names: new Set([part]), any: false });
    }
  });
  if (steps.length > MAX_STEPS) throw new JsonPathError(`"${source}" has more than ${MAX_STEPS} steps.`);
  return { source, steps, keyOnly };
}

function typeSelector(part: string, source: string): (value: unknown) => boolean {
  switch (part.slice(1, -2)) {
    case "scalar":
      return (value) => value === null || (typeof value !== "object" && typeof value !== "function");
    case "boolean":
      return (value) => typeof value === "boolean";
    case "string":
      return (value) => typeof value === "string";
    case "undefined":
      return (value) => value === undefined;
    case "integer":
      return (value) => Number.isInteger(value);
    case "number":
      return (value) => typeof value === "number" && Number.isFinite(value);
    case "nonFinite":
      return (value) => typeof value === "number" && !Number.isFinite(value);
    case "object":
      return (value) => typeof value === "object" && value !== null;
    case "array":
      return (value) => Array.isArray(value);
    case "null":
      return (value) => value === null;
    default:
      throw new JsonPathError(`"${source}": unknown type selector "${part}".`);
  }
}

// ---------------------------------------------------------------------------
// Filter expressions

interface JsepNode {
  type: string;
  [key: string]: unknown;
}

/** jsonpath-plus's parser for filter expressions (jsep with its regex and assignment plugins). */
const SafeScript = (JSONPath.prototype as unknown as { safeVm: { Script: new (code: string) => { ast: JsepNode } } }).safeVm.Script;

const SANDBOX: Record<string, keyof FilterContext> = {
  _$_v: "value",
  _$_property: "property",
  _$_parent: "parent",
  _$_parentProperty: "parentProperty",
  _$_root: "root",
  _$_path: "path",
};

/** Methods a filter may call, by the receiver's type. None allocates without bound or changes anything. */
const STRING_METHODS = new Set(["startsWith", "endsWith", "includes", "indexOf", "lastIndexOf", "toLowerCase", "toUpperCase", "trim", "match", "search", "charAt", "substring", "slice", "split"]);
const ARRAY_METHODS = new Set(["includes", "indexOf", "join"]);
const REGEXP_METHODS = new Set(["test"]);
/** String methods whose first argument becomes a regular expression: it must be written in the ruleset. */
const PATTERN_METHODS = new Set(["match", "search", "split"]);

const BINARY: Record<string, (a: unknown, b: () => unknown) => unknown> = {
  "||": (a, b) => a || b(),
  "&&": (a, b) => a && b(),
  "??": (a, b) => a ?? b(),
  // The filter language has loose equality too.
  "==": (a, b) => a == b(),
  "!=": (a, b) => a != b(),
  "===": (a, b) => a === b(),
  "!==": (a, b) => a !== b(),
  "<": (a, b) => (a as number) < (b() as number),
  ">": (a, b) => (a as number) > (b() as number),
  "<=": (a, b) => (a as number) <= (b() as number),
  ">=": (a, b) => (a as number) >= (b() as number),
  "+": (a, b) => (a as number) + (b() as number),
  "-": (a, b) => (a as number) - (b() as number),
  "*": (a, b) => (a as number) * (b() as number),
  "/": (a, b) => (a as number) / (b() as number),
  "%": (a, b) => (a as number) % (b() as number),
};

const UNARY: Record<string, (a: unknown) => unknown> = {
  "!": (a) => !a,
  "-": (a) => -(a as number),
  "+": (a) => +(a as number),
  typeof: (a) => typeof a,
  void: () => undefined,
};

/** `?(expr)` → a predicate, with jsonpath-plus's substitutions for `@…`. */
function compileFilter(part: string, source: string): Expression {
  const code = part.replace(/^\?\((.*?)\)$/su, "$1");
  if (/@.?([^?]*)[['](\??\(.*?\))(?!.\)\])[\]']/u.test(code)) {
    throw new JsonPathError(`"${source}": nested filter expressions are not supported.`);
  }
  const script = code
    .replaceAll("@parentProperty", "_$_parentProperty")
    .replaceAll("@parent", "_$_parent")
    .replaceAll("@property", "_$_property")
    .replaceAll("@root", "_$_root")
    .replaceAll("@path", "_$_path")
    .replaceAll(/@([.\s)[]|$)/gu, "_$_v$1");
  let ast: JsepNode;
  try {
    ast = new SafeScript(script).ast;
  } catch (error) {
    throw new JsonPathError(`"${source}": the filter "${code}" does not parse: ${error instanceof Error ? error.message : String(error)}.`);
  }
  const fail = (why: string): never => {
    throw new JsonPathError(`"${source}": the filter "${code}" ${why}`);
  };
  return compileNode(ast, fail);
}

function compileNode(node: JsepNode, fail: (why: string) => never): Expression {
  switch (node.type) {
    case "Literal": {
      const value = node.value;
      if (value instanceof RegExp) {
        const unsafe = unsafeRegexReason(value.source);
        if (unsafe) fail(`has the regular expression /${value.source}/, which ${unsafe}.`);
      }
      return () => value;
    }
    case "Identifier": {
      const name = String(node.name);
      const field = SANDBOX[name];
      if (!field) fail(`uses "${name}": only @, @property, @parent, @parentProperty, @path and @root are available.`);
      if (field === "path") return (context) => context.path();
      return (context) => context[field];
    }
    case "MemberExpression": {
      const object = compileNode(node.object as JsepNode, fail);
      let property: Expression;
      if (node.computed) {
        property = compileNode(node.property as JsepNode, fail);
      } else {
        const name = String((node.property as JsepNode).name);
        checkPropertyName(name, fail);
        property = () => name;
      }
      return (context) => {
        const target = object(context);
        if (target === null || target === undefined) throw new TypeError("no such value");
        const name = String(property(context));
        // Own data only: nothing from a prototype.
        return Object.hasOwn(target as object, name) ? (target as Record<string, unknown>)[name] : undefined;
      };
    }
    case "CallExpression":
      return compileCall(node, fail);
    case "BinaryExpression":
    case "LogicalExpression": {
      const operator = String(node.operator);
      const apply = BINARY[operator];
      if (!apply) fail(`uses the operator "${operator}", which is not supported.`);
      const left = compileNode(node.left as JsepNode, fail);
      const right = compileNode(node.right as JsepNode, fail);
      return (context) => apply(left(context), () => right(context));
    }
    case "UnaryExpression": {
      const operator = String(node.operator);
      const apply = UNARY[operator];
      if (!apply) fail(`uses the operator "${operator}", which is not supported.`);
      const argument = compileNode(node.argument as JsepNode, fail);
      return (context) => apply(argument(context));
    }
    case "ConditionalExpression": {
      const test = compileNode(node.test as JsepNode, fail);
      const consequent = compileNode(node.consequent as JsepNode, fail);
      const alternate = compileNode(node.alternate as JsepNode, fail);
      return (context) => (test(context) ? consequent(context) : alternate(context));
    }
    case "ArrayExpression": {
      const elements = (node.elements as JsepNode[]).map((element) => compileNode(element, fail));
      return (context) => elements.map((element) => element(context));
    }
    case "AssignmentExpression":
    case "UpdateExpression":
      return fail("assigns a value: filters may only read the document.");
    case "Compound":
      return fail("has several statements: a filter is one expression.");
    default:
      return fail(`uses ${node.type}, which is not supported.`);
  }
}

function checkPropertyName(name: string, fail: (why: string) => never) {
  if (name === "constructor" || name === "__proto__" || name === "prototype") {
    fail(`reads "${name}", which is not available (filters see the document's own data only).`);
  }
}

function compileCall(node: JsepNode, fail: (why: string) => never): Expression {
  const callee = node.callee as JsepNode;
  if (callee.type !== "MemberExpression" || callee.computed) fail("calls a function: only methods like @property.startsWith('x-') are available.");
  const method = String((callee.property as JsepNode).name);
  const receiverNode = callee.object as JsepNode;
  const argumentNodes = node.arguments as JsepNode[];
  if (!STRING_METHODS.has(method) && !ARRAY_METHODS.has(method) && !REGEXP_METHODS.has(method)) {
    fail(`calls "${method}", which is not available (available: ${[...new Set([...STRING_METHODS, ...ARRAY_METHODS, ...REGEXP_METHODS])].join(", ")}).`);
  }
  if (REGEXP_METHODS.has(method) && !(receiverNode.type === "Literal" && receiverNode.value instanceof RegExp)) {
    fail(`calls "${method}" on something other than a regular expression written in the filter.`);
  }
  if (PATTERN_METHODS.has(method)) {
    const first = argumentNodes[0];
    if (!first || first.type !== "Literal" || !(typeof first.value === "string" || first.value instanceof RegExp)) {
      fail(`calls "${method}" with a pattern that is not written in the filter; a document must not choose the regular expression.`);
    }
    if (typeof first.value === "string") {
      const unsafe = unsafeRegexReason(first.value);
      if (unsafe) fail(`has the regular expression "${first.value}", which ${unsafe}.`);
    }
  }
  const receiver = compileNode(receiverNode, fail);
  const args = argumentNodes.map((argument) => compileNode(argument, fail));
  return (context) => {
    const target = receiver(context);
    const values = args.map((argument) => argument(context));
    if (typeof target === "string" && STRING_METHODS.has(method)) {
      return (String.prototype[method as "startsWith"] as (...parameters: unknown[]) => unknown).apply(target, values);
    }
    if (Array.isArray(target) && ARRAY_METHODS.has(method)) {
      return (Array.prototype[method as "includes"] as (...parameters: unknown[]) => unknown).apply(target, values);
    }
    if (target instanceof RegExp && method === "test") {
      target.lastIndex = 0;
      return target.test(String(values[0]));
    }
    throw new TypeError(`${method} is not a function here`);
  };
}

// ---------------------------------------------------------------------------
// Evaluation

const FINAL = (path: CompiledPath) => 1 << path.steps.length;

/** The states reachable without consuming a property: `..` may match nothing; a type selector tests the value itself. */
function closure(path: CompiledPath, mask: number, value: unknown): number {
  const steps = path.steps;
  let result = mask;
  for (let index = 0; index < steps.length; index++) {
    if (!(result & (1 << index))) continue;
    const step = steps[index];
    if (step.kind === "descend") result |= 1 << (index + 1);
    else if (step.kind === "type") {
      result &= ~(1 << index);
      if (step.test(value)) result |= 1 << (index + 1);
    }
  }
  return result;
}

function inSlice(step: Extract<Step, { kind: "slice" }>, index: number, length: number): boolean {
  let start = step.start ?? 0;
  let end = step.end ?? length;
  start = start < 0 ? Math.max(0, start + length) : Math.min(length, start);
  end = end < 0 ? Math.max(0, end + length) : Math.min(length, end);
  return index >= start && index < end && (index - start) % step.step === 0;
}

/** jsonpath-plus's `@path`: $['a'][0]. */
function pathString(path: readonly PathKey[]): string {
  let text = "$";
  for (const key of path) text += /^[0-9*]+$/u.test(String(key)) ? `[${key}]` : `['${key}']`;
  return text;
}

export interface Match {
  /** Index of the expression in the list given to `evaluatePaths`. */
  path: number;
  /** The matched value (its property name for an expression ending with `~`). */
  value: unknown;
  /** The property name under which the value was reached (null for the root). */
  key: PathKey | null;
  /** Where it was reached, following references. */
  logicalPath: PathKey[];
  /** Where it is in the document: the definition of a referenced value. */
  actualPath: PathKey[];
}

export interface EvaluateOptions {
  /** Follow local `$ref`s (Spectral's default). */
  resolve: boolean;
  /** The document the references point into (the `@root` of filters). */
  root: unknown;
  /** Where `start` is in the document. */
  startPath?: PathKey[];
  /** A limit on how deep references may lead (logical depth). */
  maxDepth?: number;
}

interface Target {
  value: unknown;
  tokens: PathKey[];
  parent: unknown;
  key: PathKey | null;
}

/** Resolves local references, following chains; null when it cannot. */
export class RefResolver {
  private readonly cache = new Map<string, Target | null>();

  constructor(private readonly root: unknown) {}

  resolve(ref: string): Target | null {
    const cached = this.cache.get(ref);
    if (cached !== undefined) return cached;
    const seen = new Set<string>();
    let current: string = ref;
    let target: Target | null = null;
    for (let hop = 0; hop < 64; hop++) {
      if (!current.startsWith("#") || seen.has(current)) return this.remember(ref, null);
      seen.add(current);
      target = this.lookup(current);
      if (!target) return this.remember(ref, null);
      const next = refOf(target.value);
      if (next === undefined) return this.remember(ref, target);
      current = next;
    }
    return this.remember(ref, null);
  }

  private remember(ref: string, target: Target | null) {
    this.cache.set(ref, target);
    return target;
  }

  private lookup(ref: string): Target | null {
    let fragment = ref.slice(1);
    try {
      fragment = decodeURIComponent(fragment);
    } catch {
      // Not percent-encoded after all: use it as written.
    }
    if (fragment !== "" && !fragment.startsWith("/")) return null;
    let node: unknown = this.root;
    let parent: unknown = null;
    let key: PathKey | null = null;
    const tokens: PathKey[] = [];
    for (const token of pointerTokens(fragment)) {
      if (Array.isArray(node)) {
        if (!/^\d+$/.test(token) || Number(token) >= node.length) return null;
        parent = node;
        key = Number(token);
        node = node[key];
      } else if (typeof node === "object" && node !== null && Object.hasOwn(node, token)) {
        parent = node;
        key = token;
        node = (node as Record<string, unknown>)[token];
      } else {
        return null;
      }
      tokens.push(key);
    }
    return { value: node, tokens, parent, key };
  }
}

/** The `$ref` of an object that is a reference, if it is one. */
export function refOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const ref = (value as Record<string, unknown>).$ref;
  return typeof ref === "string" ? ref : undefined;
}

interface MemoEntry {
  /** Where the object is in the document. */
  parent: unknown;
  key: PathKey | null;
  /** (expression index, mask) pairs it was walked with, as numbers. */
  walked: Set<number>;
}

/** One number per (expression, state mask): masks stay below 2^31. */
const pairKey = (index: number, mask: number) => index * 2147483648 + mask;

/**
 * Runs every expression over `start` in one walk and calls `onMatch` for each
 * match (an expression may match the same place more than once through
 * different references; callers deduplicate on `actualPath`).
 */
export function evaluatePaths(start: unknown, paths: readonly CompiledPath[], options: EvaluateOptions, onMatch: (match: Match) => void): void {
  const resolver = options.resolve ? new RefResolver(options.root) : null;
  const maxDepth = options.maxDepth ?? 1000;
  const memo = new Map<object, MemoEntry>();
  const logical: PathKey[] = [];
  let actual: PathKey[] = [...(options.startPath ?? [])];
  const finals = paths.map((path) => FINAL(path));

  // One context for every filter evaluation of this walk (filters only read it).
  let candidateKey: PathKey = "";
  const context: FilterContext = { value: undefined, property: "", parent: null, parentProperty: null, root: options.root, path: () => pathString([...logical, candidateKey]) };

  /** `keyPath`: where the property name is, when the value came through a reference (a `~` match is reported there). */
  const report = (live: number[], value: unknown, key: PathKey | null, keyPath: PathKey[] | null = null) => {
    for (let i = 0; i < live.length; i += 2) {
      if (!(live[i + 1] & finals[live[i]])) continue;
      const keyOnly = paths[live[i]].keyOnly;
      onMatch({ path: live[i], value: keyOnly ? key : value, key, logicalPath: [...logical], actualPath: keyOnly && keyPath ? [...keyPath] : [...actual] });
    }
  };

  /** The states after taking property `childKey` (value `child`) of `value`; null when none is left. */
  const advance = (live: number[], value: unknown, key: PathKey | null, parent: unknown, childKey: PathKey, child: unknown, isArray: boolean): number[] | null => {
    let next: number[] | null = null;
    for (let i = 0; i < live.length; i += 2) {
      const index = live[i];
      const mask = live[i + 1];
      const path = paths[index];
      const steps = path.steps;
      let advanced = 0;
      for (let bit = 0; bit < steps.length; bit++) {
        if (!(mask & (1 << bit))) continue;
        const step = steps[bit];
        switch (step.kind) {
          case "names":
            if (step.any || step.names.has(typeof childKey === "number" ? String(childKey) : childKey)) advanced |= 1 << (bit + 1);
            break;
          case "descend":
            if (typeof child === "object" && child !== null) advanced |= 1 << bit;
            break;
          case "filter": {
            // jsonpath-plus's bindings: @parent and @parentProperty are those of the filtered node's parent.
            context.value = child;
            context.property = childKey;
            context.parent = parent;
            context.parentProperty = key;
            candidateKey = childKey;
            let passed = false;
            try {
              passed = Boolean(step.test(context));
            } catch {
              // A filter that fails on this value (reading a property of undefined, …) does not match it.
            }
            if (passed) advanced |= 1 << (bit + 1);
            break;
          }
          case "slice":
            if (isArray && inSlice(step, childKey as number, (value as unknown[]).length)) advanced |= 1 << (bit + 1);
            break;
          case "type":
            break;
        }
      }
      if (advanced) {
        advanced = closure(path, advanced, child);
        if (advanced) (next ??= []).push(index, advanced);
      }
    }
    return next;
  };

  /**
   * The states to walk into `value` (at parent[key] in the document) with:
   * those it was not walked with from there already. Objects reached through
   * a reference are remembered (they are the ones met more than once, and
   * what makes reference cycles end); an object reached directly is
   * filtered the same way when it was remembered at that place.
   */
  const unwalked = (value: object, parent: unknown, key: PathKey | null, live: number[], viaReference: boolean): number[] => {
    const entry = memo.get(value);
    if (entry && entry.parent === parent && entry.key === key) {
      const remaining: number[] = [];
      for (let i = 0; i < live.length; i += 2) {
        const pair = pairKey(live[i], live[i + 1]);
        if (entry.walked.has(pair)) continue;
        entry.walked.add(pair);
        remaining.push(live[i], live[i + 1]);
      }
      return remaining;
    }
    if (viaReference && !entry) {
      const walked = new Set<number>();
      for (let i = 0; i < live.length; i += 2) walked.add(pairKey(live[i], live[i + 1]));
      memo.set(value, { parent, key, walked });
    }
    return live;
  };

  const visitChild = (value: object, key: PathKey | null, parent: unknown, live: number[], childKey: PathKey, raw: unknown, isArray: boolean) => {
    let child = raw;
    let target: Target | null = null;
    if (resolver && typeof raw === "object" && raw !== null) {
      const ref = refOf(raw);
      if (ref !== undefined) {
        target = resolver.resolve(ref);
        if (target) child = target.value;
      }
    }
    const next = advance(live, value, key, parent, childKey, child, isArray);
    if (!next) return;

    logical.push(childKey);
    const saved = actual;
    const keyPath = target ? [...actual, childKey] : null;
    if (target) actual = [...target.tokens];
    else actual.push(childKey);
    report(next, child, childKey, keyPath);
    if (typeof child === "object" && child !== null && logical.length < maxDepth) {
      const remaining = resolver ? unwalked(child, target ? target.parent : value, target ? target.key : childKey, next, target !== null) : next;
      if (remaining.length) walk(child, childKey, value, remaining);
    }
    if (target) actual = saved;
    else actual.pop();
    logical.pop();
  };

  // `live` holds the automaton states as pairs (expression index, mask).
  const walk = (value: object, key: PathKey | null, parent: unknown, live: number[]) => {
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) visitChild(value, key, parent, live, index, value[index], true);
    } else {
      for (const childKey of Object.keys(value)) visitChild(value, key, parent, live, childKey, (value as Record<string, unknown>)[childKey], false);
    }
  };

  const initial: number[] = [];
  paths.forEach((path, index) => {
    const mask = closure(path, 1, start);
    if (mask) initial.push(index, mask);
  });
  report(initial, start, null);
  if (typeof start === "object" && start !== null && initial.length) walk(start, null, null, initial);
}

/** The expression's matches as a list (tests and single-expression callers). */
export function queryPath(document: unknown, source: string, options: Partial<EvaluateOptions> = {}): Match[] {
  const matches: Match[] = [];
  evaluatePaths(document, [compileJsonPath(source)], { resolve: options.resolve ?? false, root: options.root ?? document, startPath: options.startPath, maxDepth: options.maxDepth }, (match) => matches.push(match));
  return matches;
}
