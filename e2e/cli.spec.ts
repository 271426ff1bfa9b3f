import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { baseURL } from "../playwright.config";
import { DEMO, signIn } from "./support";

function portico(args: string[], token: string) {
  const run = spawnSync(process.execPath, ["bin/portico.mjs", ...args, "--token", token, "--url", baseURL], { encoding: "utf8" });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

test("portico publish: a CI pipeline publishes, sees lint findings and breaking changes, and fails on a refusal", async ({ page, request }) => {
  await signIn(page, DEMO.ben, DEMO.password);
  await page.goto("/settings/tokens");
  await page.getByLabel("Token name").fill("ci publish");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByLabel("New token").inputValue();
  const slug = `cli-lockers-${Date.now().toString(36)}`;
  const created = await request.post("/api/v1/apis", { headers: { authorization: `Bearer ${token}` }, data: { team: "logistics", slug, name: "CLI Lockers", visibility: "INTERNAL" } });
  expect(created.status()).toBe(201);

  const first = portico(["publish", "e2e/specs/lockers-v1.yaml", "--api", slug, "--upstream", "https://lockers.internal"], token);
  expect(first.err).toBe("");
  expect(first.code).toBe(0);
  expect(first.out).toContain(`Uploaded ${slug} 1.0.0 as a draft.`);
  expect(first.out).toMatch(/Lint: 0 errors, \d+ warnings/);
  expect(first.out).toContain("operation-summary");
  expect(first.out).toContain(`Published ${slug} 1.0.0.`);

  // 1.1.0 removes an operation: refused, exit 1, stays a draft.
  const second = portico(["publish", "e2e/specs/lockers-v2.yaml", "--api", slug], token);
  expect(second.code).toBe(1);
  expect(second.out).toContain("breaking POST /lockers/{id}/open");
  expect(second.err).toContain("without a major version bump");
  expect(second.err).toContain(`${slug} 1.1.0 stays a draft.`);
  const versions = await (await request.get(`/api/v1/apis/${slug}/versions`, { headers: { authorization: `Bearer ${token}` } })).json();
  expect(versions.items.map((v: { version: string; state: string }) => `${v.version} ${v.state}`)).toEqual(["1.1.0 DRAFT", "1.0.0 PUBLISHED"]);

  // A malformed document is refused before anything is stored, with its line.
  const broken = join(tmpdir(), `broken-${slug}.yaml`);
  writeFileSync(broken, "openapi: 3.0.3\ninfo: [unclosed\n");
  const third = portico(["publish", broken, "--api", slug, "--version", "3.0.0"], token);
  expect(third.code).toBe(1);
  expect(third.err).toMatch(/line \d+/);

  // Usage errors exit 2.
  expect(portico(["publish"], token).code).toBe(2);
});
