import { execFileSync } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { screenshot } from "./support";

// Specs and markdown come from other teams: nothing in them may run in a
// viewer's browser, navigate it away, or make it call another host.
test.beforeAll(() => {
  execFileSync("node_modules/.bin/tsx", ["e2e/fixtures/hostile-api.ts"], { stdio: "inherit", env: process.env });
});

function guard(page: Page) {
  const problems: string[] = [];
  page.on("dialog", async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!["localhost", "127.0.0.1"].includes(url.hostname) && !["data:", "blob:", "about:"].includes(url.protocol)) problems.push(`request to ${request.url()}`);
  });
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame() && !frame.url().startsWith(new URL(page.url() || "http://localhost").origin)) problems.push(`navigated to ${frame.url()}`);
  });
  return problems;
}

test("script payloads in a spec and its markdown never run on the catalog, API page or docs", async ({ page }) => {
  const problems = guard(page);
  await page.goto("/apis?q=hostile");
  await expect(page.getByRole("region", { name: "Results" }).getByRole("heading", { level: 2 })).toContainText(["Hostile <script>"]);
  await page.goto("/apis/hostile");
  await expect(page.getByRole("heading", { name: "Hostile", exact: true })).toBeVisible();
  // Markdown's javascript: links lose their href.
  const links = page.locator("main a[href^='javascript']");
  await expect(links).toHaveCount(0);
  await page.goto("/apis/hostile/docs");
  await expect(page.locator(".swagger-ui .info")).toBeVisible({ timeout: 20_000 });
  await page.locator("#operations-Hostile-getHostileItem button.opblock-summary-control").click();
  await expect(page.locator("#operations-Hostile-getHostileItem")).toHaveClass(/is-open/);
  await page.locator(".swagger-ui .models-control, .swagger-ui .models h4").first().click().catch(() => undefined);
  await expect(page.locator("main a[href^='javascript']")).toHaveCount(0);
  await screenshot(page, "docs-hostile");
  expect(problems).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { xss?: boolean }).xss)).toBeUndefined();
});
