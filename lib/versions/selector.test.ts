import { describe, expect, it } from "vitest";
import { selectVersion, type SelectableVersion } from "./selector";

function v(version: string, state: SelectableVersion["state"]): SelectableVersion {
  const [core, prerelease] = version.split("-");
  const [major, minor, patch] = core.split(".").map(Number);
  return { version, major, minor, patch, prerelease: prerelease ?? null, state };
}

const versions = [
  v("1.0.0", "RETIRED"),
  v("1.5.0", "RETIRED"),
  v("2.0.0", "PUBLISHED"),
  v("2.1.0", "DEPRECATED"),
  v("2.2.0-beta.1", "PUBLISHED"),
  v("2.3.0", "DRAFT"),
  v("3.0.0", "IN_REVIEW"),
];

describe("selectVersion", () => {
  it("a major names its newest stable version in service, deprecated included, drafts never", () => {
    expect(selectVersion(versions, "v2")?.version).toBe("2.1.0");
  });
  it("a wholly retired major names its newest retired version, so the caller hears 'gone'", () => {
    expect(selectVersion(versions, "v1")?.version).toBe("1.5.0");
  });
  it("an exact version, with or without a leading v", () => {
    expect(selectVersion(versions, "2.0.0")?.version).toBe("2.0.0");
    expect(selectVersion(versions, "v2.0.0")?.version).toBe("2.0.0");
    expect(selectVersion(versions, "2.2.0-beta.1")?.version).toBe("2.2.0-beta.1");
  });
  it("drafts, reviews, unknown versions and majors are not found", () => {
    expect(selectVersion(versions, "2.3.0")).toBeNull();
    expect(selectVersion(versions, "v3")).toBeNull();
    expect(selectVersion(versions, "9.9.9")).toBeNull();
    expect(selectVersion(versions, "latest")).toBeNull();
  });
  it("a major with only pre-releases names the newest pre-release", () => {
    expect(selectVersion([v("4.0.0-rc.1", "PUBLISHED"), v("4.0.0-rc.2", "PUBLISHED")], "v4")?.version).toBe("4.0.0-rc.2");
  });
});
