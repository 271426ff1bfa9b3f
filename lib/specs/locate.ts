// Where a JSON pointer sits in the text it was parsed from: line and column
// for problems found on the parsed value (external $refs, lint findings).
//
// JSON: one pass of a small scanner that only descends into the members on
// the way to a wanted pointer and skips everything else, so locating a few
// thousand pointers in a 13 MB document costs one quick scan, not a full
// position-keeping parse. YAML: the `yaml` package's document nodes.
import { isAlias, isMap, isScalar, isSeq, type Document as YamlDocument } from "yaml";

export interface LineColumn {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units (what editors and JavaScript count). */
  column: number;
}

/** RFC 6901 escaping of one reference token. */
export const escapePointerToken = (token: string | number) => String(token).replace(/~/g, "~0").replace(/\//g, "~1");

export const pointerFrom = (path: readonly (string | number)[]) => path.map((part) => "/" + escapePointerToken(part)).join("");

/** "/a~1b/0" → ["a/b", "0"]; "" → [] (RFC 6901). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Every pointer from the root down to `pointer`, root first. */
function ancestors(pointer: string): string[] {
  const tokens = pointerTokens(pointer);
  const result = [""];
  let current = "";
  for (const token of tokens) {
    current += "/" + escapePointerToken(token);
    result.push(current);
  }
  return result;
}

/** Offsets → line/column, built once per text. */
export class LinePositions {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) this.starts.push(index + 1);
  }

  at(offset: number): LineColumn {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.starts[low] + 1 };
  }
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

/**
 * Offsets of the given pointers in a JSON text that JSON.parse accepted:
 * the key of an object member, or the first character of an array item (or of
 * the root). A pointer that does not exist maps to its nearest existing
 * ancestor (a missing `summary` is shown at its operation).
 */
export function locateJsonPointers(text: string, pointers: Iterable<string>): Map<string, number> {
  const wanted = new Set<string>();
  const targets = [...new Set(pointers)];
  for (const pointer of targets) for (const ancestor of ancestors(pointer)) wanted.add(ancestor);
  const found = new Map<string, number>();
  let index = 0;

  const skipWhitespace = () => {
    while (index < text.length && WHITESPACE.has(text[index])) index++;
  };
  // At an opening quote: returns the index after the closing quote.
  const endOfString = (start: number) => {
    let at = start + 1;
    for (;;) {
      const quote = text.indexOf('"', at);
      if (quote === -1) return text.length;
      let backslashes = 0;
      for (let back = quote - 1; text[back] === "\\"; back--) backslashes++;
      if (backslashes % 2 === 0) return quote + 1;
      at = quote + 1;
    }
  };
  const skipValue = () => {
    const first = text[index];
    if (first === '"') {
      index = endOfString(index);
      return;
    }
    if (first === "{" || first === "[") {
      let depth = 0;
      while (index < text.length) {
        const char = text[index];
        if (char === '"') {
          index = endOfString(index);
          continue;
        }
        if (char === "{" || char === "[") depth++;
        else if (char === "}" || char === "]") {
          depth--;
          if (depth === 0) {
            index++;
            return;
          }
        }
        index++;
      }
      return;
    }
    while (index < text.length && !WHITESPACE.has(text[index]) && text[index] !== "," && text[index] !== "}" && text[index] !== "]") index++;
  };
  const readValue = (pointer: string) => {
    skipWhitespace();
    const first = text[index];
    if (first === "{") {
      index++;
      for (;;) {
        skipWhitespace();
        if (text[index] === "}" || index >= text.length) {
          index++;
          return;
        }
        if (text[index] === ",") {
          index++;
          continue;
        }
        const keyStart = index;
        index = endOfString(index);
        const raw = text.slice(keyStart + 1, index - 1);
        const key = raw.includes("\\") ? (JSON.parse(text.slice(keyStart, index)) as string) : raw;
        skipWhitespace();
        index++; // ':'
        const child = pointer + "/" + escapePointerToken(key);
        if (wanted.has(child)) {
          found.set(child, keyStart);
          readValue(child);
        } else {
          skipWhitespace();
          skipValue();
        }
      }
    }
    if (first === "[") {
      index++;
      for (let item = 0; ; item++) {
        skipWhitespace();
        if (text[index] === "]" || index >= text.length) {
          index++;
          return;
        }
        const child = pointer + "/" + item;
        if (wanted.has(child)) {
          found.set(child, index);
          readValue(child);
        } else {
          skipValue();
        }
        skipWhitespace();
        if (text[index] === ",") index++;
      }
    }
    skipValue();
  };

  skipWhitespace();
  found.set("", index);
  readValue("");

  const result = new Map<string, number>();
  for (const pointer of targets) {
    const chain = ancestors(pointer);
    for (let at = chain.length - 1; at >= 0; at--) {
      const offset = found.get(chain[at]);
      if (offset !== undefined) {
        result.set(pointer, offset);
        break;
      }
    }
  }
  return result;
}

/** The same for a parsed YAML document (offsets come from its nodes' ranges). */
export function locateYamlPointers(document: YamlDocument, pointers: Iterable<string>): Map<string, number> {
  const result = new Map<string, number>();
  for (const pointer of new Set(pointers)) {
    let node: unknown = document.contents;
    let offset = (document.contents as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
    for (const token of pointerTokens(pointer)) {
      if (isAlias(node)) node = node.resolve(document);
      if (isMap(node)) {
        const pair = node.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === token);
        if (!pair) break;
        const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
        if (keyRange) offset = keyRange[0];
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(token)];
        if (!/^\d+$/.test(token) || item === undefined) break;
        const range = (item as { range?: [number, number, number] }).range;
        if (range) offset = range[0];
        node = item;
      } else {
        break;
      }
    }
    result.set(pointer, offset);
  }
  return result;
}
