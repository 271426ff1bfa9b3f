// Which version a gateway path's selector names: an exact version ("2.1.0",
// also "v2.1.0") or a major ("v2": the newest version of that major still in
// service). The same rule as the SQL of lib/keys/verify.ts, for the gateway's
// in-memory config.
import type { LifecycleState } from "@/lib/generated/prisma/enums";

export interface SelectableVersion {
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string | null;
  state: LifecycleState;
}

const MAJOR_SELECTOR = /^v(\d{1,9})$/;
const ROUTABLE: ReadonlySet<LifecycleState> = new Set(["PUBLISHED", "DEPRECATED", "RETIRED"]);

/**
 * Versions in service (published or deprecated) come before retired ones, so
 * a retired version is chosen only when its whole major is retired (and the
 * caller hears "gone", not "not found"); then stable before pre-release, then
 * the highest minor and patch.
 */
function newerFirst(a: SelectableVersion, b: SelectableVersion): number {
  const retired = Number(a.state === "RETIRED") - Number(b.state === "RETIRED");
  if (retired) return retired;
  const prerelease = Number(a.prerelease != null) - Number(b.prerelease != null);
  if (prerelease) return prerelease;
  return b.minor - a.minor || b.patch - a.patch || (b.prerelease ?? "").localeCompare(a.prerelease ?? "");
}

export function selectVersion<V extends SelectableVersion>(versions: readonly V[], selector: string): V | null {
  const major = MAJOR_SELECTOR.exec(selector);
  const candidates = versions.filter((v) => ROUTABLE.has(v.state));
  if (major) {
    const wanted = Number(major[1]);
    return candidates.filter((v) => v.major === wanted).sort(newerFirst)[0] ?? null;
  }
  const exact = selector.replace(/^v(?=\d+\.)/, "");
  return candidates.find((v) => v.version === exact) ?? null;
}
