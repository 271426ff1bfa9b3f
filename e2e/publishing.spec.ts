import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { DEMO, screenshot, signIn, signOut } from "./support";

const V1 = readFileSync("e2e/specs/lockers-v1.yaml", "utf8");
const V2 = readFileSync("e2e/specs/lockers-v2.yaml", "utf8");

test("a developer creates an API, publishes v1, is refused a breaking 1.1.0, publishes 2.0.0 and deprecates v1; a subscriber is told", async ({ page }) => {
  test.setTimeout(120_000);
  const slug = `lockers-${Date.now().toString(36)}`;
  await signIn(page, DEMO.ben, DEMO.password);

  // Create the API in Ben's team.
  await page.goto("/apis/new");
  await page.getByLabel("Owner team").selectOption({ label: "Logistics" });
  await page.getByLabel("Name").fill("Parcel Lockers");
  await page.getByLabel("Slug").fill(slug);
  await page.getByLabel("Summary").fill("Reserve and open parcel lockers.");
  await page.getByLabel("Visibility").selectOption("INTERNAL");
  await page.getByRole("button", { name: "Create API" }).click();
  await expect(page).toHaveURL(new RegExp(`/apis/${slug}$`));

  // Upload v1: the missing summary is a lint warning, shown on the version page.
  await page.getByRole("link", { name: "Upload a version" }).click();
  await page.getByLabel("OpenAPI document").fill(V1);
  await page.getByLabel("Upstream URL").fill("https://lockers.internal");
  await screenshot(page, "upload");
  await page.getByRole("button", { name: "Upload draft" }).click();
  await expect(page).toHaveURL(new RegExp(`/apis/${slug}/versions/1\\.0\\.0$`));
  await expect(page.getByRole("list", { name: "Lint findings" })).toContainText(/summary/i);
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("status")).toContainText("Version 1.0.0 is now published");

  // Upload 1.1.0 without the "open" operation: a breaking change, refused without a major bump.
  await page.goto(`/apis/${slug}/versions/new`);
  await page.getByLabel("OpenAPI document").fill(V2);
  await page.getByRole("button", { name: "Upload draft" }).click();
  await expect(page).toHaveURL(new RegExp(`/apis/${slug}/versions/1\\.1\\.0$`));
  const changes = page.getByLabel("Changes by operation");
  await expect(changes).toContainText("POST /lockers/{id}/open");
  await expect(changes).toContainText("breaking");
  await screenshot(page, "version-breaking");
  await page.getByRole("button", { name: "Publish" }).first().click();
  await page.getByRole("form", { name: "Publish" }).getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "breaking" })).toContainText("without a major version bump");
  await page.getByRole("button", { name: "Delete draft" }).click();
  await expect(page).toHaveURL(new RegExp(`/apis/${slug}$`));

  // The same document as 2.0.0 publishes.
  await page.goto(`/apis/${slug}/versions/new`);
  await page.getByLabel("OpenAPI document").fill(V2);
  await page.getByLabel("Version", { exact: true }).fill("2.0.0");
  await page.getByRole("button", { name: "Upload draft" }).click();
  await expect(page).toHaveURL(new RegExp(`/apis/${slug}/versions/2\\.0\\.0$`));
  // The generated changelog is edited before publishing.
  const changelog = page.getByLabel(/Generated from the changes/);
  await expect(changelog).toHaveValue(/Operation `POST \/lockers\/\{id\}\/open` was removed/);
  await changelog.fill("## 2.0.0\n\nLockers now open from the Lockers app only.");
  await page.getByRole("button", { name: "Save changelog" }).click();
  await expect(page.getByText("Changelog saved.")).toBeVisible();
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Version 2.0.0" })).toContainText("Version 2.0.0 is now published");
  await expect(page.getByText("Lockers now open from the Lockers app only.")).toBeVisible();

  // Cleo's team uses the API; Ben deprecates v1 with a sunset date and 2.0.0 as its replacement.
  execFileSync("node_modules/.bin/tsx", ["e2e/fixtures/subscribe.ts", slug, "mobile"], { stdio: "inherit", env: process.env });
  await page.goto(`/apis/${slug}/versions/1.0.0`);
  await page.getByRole("button", { name: "Deprecate" }).click();
  const form = page.getByRole("form", { name: "Deprecate" });
  await expect(form.getByLabel("Replacement version")).toHaveValue("2.0.0");
  await form.getByRole("button", { name: "Deprecate" }).click();
  await expect(page.getByRole("status")).toContainText("Version 1.0.0 is now deprecated");
  await expect(page.getByRole("list", { name: "Lifecycle history" })).toContainText("published → deprecated");
  await signOut(page);

  await signIn(page, DEMO.cleo, DEMO.password);
  await expect(page.getByRole("link", { name: /Notifications, \d+ unread/ })).toBeVisible();
  await page.goto("/notifications");
  await expect(page.getByRole("list", { name: "Notifications" })).toContainText("Parcel Lockers 1.0.0 is deprecated");
  await page.getByRole("link", { name: "Parcel Lockers 1.0.0 is deprecated" }).click();
  const banner = page.getByRole("note");
  await expect(banner).toContainText("This version is deprecated");
  await expect(banner.getByRole("link", { name: "version 2.0.0" })).toBeVisible();
  await screenshot(page, "deprecated-docs");
});
