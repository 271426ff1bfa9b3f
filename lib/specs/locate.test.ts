import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { LinePositions, locateJsonPointers, locateYamlPointers, pointerFrom, pointerTokens } from "@/lib/specs/locate";
import { scanYamlDepth } from "@/lib/specs/yaml-depth";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

describe("JSON pointers", () => {
  it("escapes and unescapes ~ and /", () => {
    expect(pointerFrom(["paths", "/a~b/{id}", 0])).toBe("/paths/~1a~0b~1{id}/0");
    expect(pointerTokens("/paths/~1a~0b~1{id}/0")).toEqual(["paths", "/a~b/{id}", "0"]);
    expect(pointerTokens("")).toEqual([]);
  });
});

describe("locateJsonPointers", () => {
  const text = '{"a": {"b\\"c": [10, {"d": "}{]["}, "x"]}, "e~/f": 1, "g": "\\\\"}';

  it("finds keys and array items past strings holding brackets, quotes and escapes", () => {
    const offsets = locateJsonPointers(text, ['/a/b"c/1/d', "/a/b\"c/2", "/e~0~1f", "/g", ""]);
    expect(offsets.get('/a/b"c/1/d')).toBe(text.indexOf('"d"'));
    expect(offsets.get('/a/b"c/2')).toBe(text.indexOf('"x"'));
    expect(offsets.get("/e~0~1f")).toBe(text.indexOf('"e~/f"'));
    expect(offsets.get("/g")).toBe(text.indexOf('"g"'));
    expect(offsets.get("")).toBe(0);
  });

  it("maps a missing pointer to its nearest ancestor", () => {
    const offsets = locateJsonPointers(text, ['/a/b"c/1/zzz', "/a/b\"c/9", "/nope/deeper"]);
    expect(offsets.get('/a/b"c/1/zzz')).toBe(text.indexOf('{"d"'));
    expect(offsets.get('/a/b"c/9')).toBe(text.indexOf('"b\\"c"'));
    expect(offsets.get("/nope/deeper")).toBe(0);
  });

  it("turns offsets into 1-based lines and columns", () => {
    const lines = new LinePositions("ab\ncd\r\nef");
    expect(lines.at(0)).toEqual({ line: 1, column: 1 });
    expect(lines.at(4)).toEqual({ line: 2, column: 2 });
    expect(lines.at(7)).toEqual({ line: 3, column: 1 });
  });
});

describe("locateYamlPointers", () => {
  it("follows maps, sequences and aliases", () => {
    const text = "a:\n  - x\n  - &n {k: 1}\nb: *n\n200: ok\n";
    const offsets = locateYamlPointers(parseDocument(text), ["/a/1/k", "/b/k", "/200", "/a/5"]);
    expect(offsets.get("/a/1/k")).toBe(text.indexOf("k:"));
    expect(offsets.get("/b/k")).toBe(text.indexOf("k:"));
    expect(offsets.get("/200")).toBe(text.indexOf("200"));
    expect(offsets.get("/a/5")).toBe(0);
  });
});

describe("scanYamlDepth", () => {
  it("leaves real documents alone, even at a low limit", () => {
    for (const name of ["petstore-3.0.yaml", "circular.yaml", "external-refs.yaml", "portico-violations.yaml", "swagger-2.0.yaml"]) {
      expect(scanYamlDepth(fixture(name), 12), name).toBeNull();
    }
  });

  it("does not count brackets in block scalars, quotes, comments or plain text", () => {
    const text = [
      "description: |",
      "  [[[[[[[[[[ {{{{{{{{{{",
      "  - - - - - - - - - - -",
      "title: 'a [[[[[[[[[[ b' # [[[[[[[[[[",
      'summary: "x {{{{{{{{{{ \\" [[[[[[[[[["',
      "note: see [[[[[[[[[[ and {{{{{{{{{{",
      "list: [a, 'b]]]]', {c: \"[[[[\"}]",
      "",
    ].join("\n");
    expect(scanYamlDepth(text, 3)).toBeNull();
  });

  it("counts flow nesting, compact indicators and indentation", () => {
    expect(scanYamlDepth("a: [[[1]]]\n", 3)).toEqual({ offset: 5 });
    expect(scanYamlDepth("a:\n  - - - x\n", 3)).toEqual({ offset: 9 });
    expect(scanYamlDepth("a:\n  b:\n    c:\n      d: 1\n", 3)).toEqual({ offset: 21 });
    expect(scanYamlDepth("a:\n  b:\n    c: 1\n  d:\n    e: 1\n", 3)).toBeNull();
  });
});
