import { describe, expect, it } from "vitest";
import { resolveRest } from "@/gateway/handler";
import { upstreamTarget } from "@/gateway/proxy";

describe("the path below a version", () => {
  it("is passed as written when it has no dot segments (dots inside names are not segments)", () => {
    expect(resolveRest("orders/42")).toBe("orders/42");
    expect(resolveRest("files/report.v1..final/.well-known")).toBe("files/report.v1..final/.well-known");
    expect(resolveRest("")).toBe("");
  });

  it("resolves . and .. segments, encoded or not, as RFC 3986 does", () => {
    expect(resolveRest("a/./b/../c")).toBe("a/c");
    expect(resolveRest("a/%2E/b/%2e%2E/c")).toBe("a/c");
    expect(resolveRest("a/b/.")).toBe("a/b/");
    expect(resolveRest("a/..")).toBe("");
    expect(resolveRest("a/b/..")).toBe("a/");
  });

  it("is refused when it climbs above the version", () => {
    expect(resolveRest("..")).toBeNull();
    expect(resolveRest("../secrets")).toBeNull();
    expect(resolveRest("a/../../secrets")).toBeNull();
    expect(resolveRest("%2e%2e/secrets")).toBeNull();
  });

  it("reads backslashes as slashes when resolving, as URL parsers and many servers do", () => {
    expect(resolveRest("..\\..\\admin")).toBeNull();
    expect(resolveRest("a\\..\\b")).toBe("b");
  });

  it("is refused when a dot segment stands against an encoded slash or backslash, which an upstream may decode", () => {
    expect(resolveRest("..%2F..%2Fadmin")).toBeNull();
    expect(resolveRest("a/..%5cb")).toBeNull();
    expect(resolveRest("a%2F..")).toBeNull();
    expect(resolveRest("a/./b%2F%2e%2E%2Fc")).toBeNull();
    // Encoded separators alone, or dots inside a name, are fine.
    expect(resolveRest("files/a%2Fb")).toBe("files/a%2Fb");
    expect(resolveRest("report..%2Fx")).toBe("report..%2Fx");
    expect(resolveRest("a/./b%2Fc")).toBe("a/b%2Fc");
  });

  it("takes a segment with a colon as a path, not as a URL scheme", () => {
    expect(resolveRest("a:b/../c")).toBe("c");
  });
});

describe("a version's upstream URL", () => {
  it("is taken apart into undici's origin and a base path without trailing slashes", () => {
    expect(upstreamTarget("http://127.0.0.1:9000")).toEqual({ origin: "http://127.0.0.1:9000", basePath: "" });
    expect(upstreamTarget("https://api.example.com/payments/v2//")).toEqual({ origin: "https://api.example.com", basePath: "/payments/v2" });
  });

  it("is unusable when it is not an http(s) URL", () => {
    expect(upstreamTarget("ftp://files.example/api")).toBeNull();
    expect(upstreamTarget("not a url")).toBeNull();
  });
});
