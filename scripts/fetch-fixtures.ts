// npm run fixtures:fetch — large real-world OpenAPI documents for the
// benchmarks, fetched from the npm registry instead of being committed:
// @octokit/openapi ships GitHub's REST API description (api.github.com.json,
// 13 MB, OpenAPI 3.0) and successive GitHub Enterprise Server versions.
//
// They land in .fixtures/ (git-ignored). Run again: nothing is fetched while
// the files of the same package version are there; --force fetches anew.
// OCTOKIT_OPENAPI_VERSION picks another package version.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { run } from "./run";

export const FIXTURES_DIR = resolve(__dirname, "..", ".fixtures");
const PACKAGE = "@octokit/openapi";
// A version known to hold the files below (ghes-3.17 to 3.19); change with care.
const VERSION = process.env.OCTOKIT_OPENAPI_VERSION ?? "23.0.2";
export const FIXTURE_FILES = ["api.github.com.json", "ghes-3.17.json", "ghes-3.18.json", "ghes-3.19.json"] as const;
const MARKER = join(FIXTURES_DIR, ".octokit-openapi-version");

/** Runs a command and returns what it printed. */
function output(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolvePromise(text) : reject(new Error(`${command} ${args.join(" ")} failed (exit ${code})`))));
  });
}

export async function fetchFixtures() {
  const force = process.argv.includes("--force");
  const present = FIXTURE_FILES.every((file) => existsSync(join(FIXTURES_DIR, file)));
  if (!force && present && existsSync(MARKER) && readFileSync(MARKER, "utf8").trim() === VERSION) {
    console.log(`[fixtures] ${PACKAGE}@${VERSION} already in ${FIXTURES_DIR} (--force to fetch again)`);
    return;
  }
  mkdirSync(FIXTURES_DIR, { recursive: true });
  console.log(`[fixtures] npm pack ${PACKAGE}@${VERSION} …`);
  const packed = (await output("npm", ["pack", `${PACKAGE}@${VERSION}`, "--silent", "--pack-destination", FIXTURES_DIR], FIXTURES_DIR)).trim().split("\n").pop()!;
  const tarball = join(FIXTURES_DIR, packed.trim());
  try {
    // The package keeps them in generated/; take only these four (it holds
    // about 400 MB of other descriptions, dereferenced copies among them).
    await run("tar", ["-xzf", tarball, "-C", FIXTURES_DIR, "--strip-components=2", ...FIXTURE_FILES.map((file) => `package/generated/${file}`)]);
  } finally {
    rmSync(tarball, { force: true });
  }
  writeFileSync(MARKER, `${VERSION}\n`);
  for (const file of FIXTURE_FILES) {
    const path = join(FIXTURES_DIR, file);
    const document = JSON.parse(readFileSync(path, "utf8")) as { openapi?: string; paths?: object };
    console.log(`[fixtures] ${file}: ${(statSync(path).size / 1024 / 1024).toFixed(1)} MB, OpenAPI ${document.openapi}, ${Object.keys(document.paths ?? {}).length} paths`);
  }
}

if (require.main === module) {
  fetchFixtures().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
