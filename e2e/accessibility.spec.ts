import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { screenshot, signUp, uniqueEmail } from "./support";

async function expectNoSeriousViolations(page: Page, name: string) {
  // After a client-side navigation the URL changes before the new page's
  // metadata lands: checking then found no <title> (CI, once). Every page must
  // get one, so wait for it rather than for time.
  await expect(page, name).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`), name).toEqual([]);
}

test("the main pages have no serious accessibility violations", async ({ page }) => {
  await page.goto("/");
  await expectNoSeriousViolations(page, "home (signed out)");
  await screenshot(page, "home-signed-out");
  await page.goto("/signin");
  await expectNoSeriousViolations(page, "sign in");
  await page.goto("/signup");
  await expectNoSeriousViolations(page, "sign up");

  await signUp(page, "Axe Tester", uniqueEmail("axe"));
  await expect(page).toHaveURL(/\/teams$/);
  await expectNoSeriousViolations(page, "teams");
  await screenshot(page, "teams");
  const slug = `axe-${Date.now().toString(36)}`;
  await page.getByLabel("Team name").fill("Axe Team");
  await page.getByLabel("Slug").fill(slug);
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(new RegExp(`/teams/${slug}$`));
  for (const path of [`/teams/${slug}`, `/teams/${slug}/audit`, `/teams/${slug}/settings`, "/audit", "/settings/tokens", "/"]) {
    await page.goto(path);
    await expectNoSeriousViolations(page, path);
  }
  await screenshot(page, "home-signed-in");
  await page.goto(`/teams/${slug}/settings`);
  await screenshot(page, "team-settings");
});
