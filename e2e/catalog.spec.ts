import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { DEMO, screenshot, signIn } from "./support";

async function expectAccessible(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).exclude(".swagger-ui .opblock-summary-control svg").analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")})`), name).toEqual([]);
}

const resultNames = (page: Page) => page.getByRole("region", { name: "Results" }).getByRole("heading", { level: 2 });

test("anonymous visitors see only PUBLIC APIs, in the page and the REST API", async ({ page, request }) => {
  // swagger-ui belongs to the docs page only: the catalog's scripts must not carry it.
  const scripts: Promise<string>[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") scripts.push(response.text());
  });
  await page.goto("/apis");
  await expect(page.getByTestId("result-count")).toContainText("APIs");
  const visibilities = await page.getByRole("region", { name: "Results" }).locator("li > div span").filter({ hasText: /^(public|internal|private)$/ }).allTextContents();
  expect(visibilities.length).toBeGreaterThan(5);
  expect(new Set(visibilities)).toEqual(new Set(["public"]));
  await expect(resultNames(page).filter({ hasText: "Payouts" })).toHaveCount(0);

  const api = await (await request.get("/api/v1/apis?limit=100")).json();
  expect(api.items.every((item: { visibility: string }) => item.visibility === "PUBLIC")).toBe(true);
  await expect(page.getByTestId("result-count")).toHaveText(`${api.total} APIs`);
  expect((await request.get("/api/v1/apis/payouts")).status()).toBe(404);
  await expectAccessible(page, "catalog (anonymous)");
  await screenshot(page, "catalog-anonymous");
  const bodies = await Promise.all(scripts);
  expect(bodies.length).toBeGreaterThan(0);
  expect(bodies.filter((body) => body.includes("swagger-ui") || body.includes("SwaggerUI"))).toEqual([]);
});

test("a search for a word found only in one operation leads straight to that operation in the docs", async ({ page }) => {
  await signIn(page, DEMO.cleo, DEMO.password);
  await page.goto("/apis");
  // "duplicate" appears only in the summary of Accounts' "merge" operation.
  await page.getByLabel("Search APIs and operations").fill("duplicate");
  await expect(page).toHaveURL(/q=duplicate/);
  await expect(resultNames(page)).toHaveText(["Accounts"]);
  const hit = page.getByRole("list", { name: "Matching operations of Accounts" }).getByRole("link");
  await expect(hit).toHaveCount(1);
  await expect(hit).toContainText("/accounts/{id}/merge");
  await screenshot(page, "catalog-search");
  await hit.click();
  await expect(page).toHaveURL(/\/apis\/accounts\/docs#\/Accounts\/mergeTwoDuplicateAccounts$/);
  const operation = page.locator("#operations-Accounts-mergeTwoDuplicateAccounts");
  await expect(operation).toBeVisible({ timeout: 20_000 });
  await expect(operation).toHaveClass(/is-open/);
  await expect(operation).toBeInViewport();
  await screenshot(page, "docs-deep-link");
});

test("a misspelt search still finds the API, ranked by name first", async ({ page }) => {
  await signIn(page, DEMO.cleo, DEMO.password);
  await page.goto("/apis?q=shiping");
  await expect(resultNames(page).first()).toHaveText("Shipping Rates");
  await page.goto("/apis?q=payments");
  await expect(resultNames(page).first()).toHaveText("Payments");
});

test("filters live in the URL, survive a reload and the back button", async ({ page }) => {
  await signIn(page, DEMO.cleo, DEMO.password);
  await page.goto("/apis");
  await page.getByLabel("Owner team").selectOption({ label: "Logistics (7)" });
  await expect(page).toHaveURL(/team=logistics/);
  await page.getByLabel("Tag", { exact: true }).selectOption("shipping");
  await expect(page).toHaveURL(/tag=shipping/);
  await expect(resultNames(page)).toHaveText(["Shipments", "Shipping Rates"]);
  await page.reload();
  await expect(page.getByLabel("Owner team")).toHaveValue("logistics");
  await expect(page.getByLabel("Tag", { exact: true })).toHaveValue("shipping");
  await expect(resultNames(page)).toHaveText(["Shipments", "Shipping Rates"]);
  await page.goBack();
  await expect(page).not.toHaveURL(/tag=shipping/);
  await expect(page.getByLabel("Tag", { exact: true })).toHaveValue("");
  await page.goto("/apis?q=zzzzqqq");
  await expect(page.getByText("No API matches")).toBeVisible();
});

test("another team's PRIVATE API appears nowhere: pages, search, counts, REST", async ({ page, request }) => {
  await signIn(page, DEMO.cleo, DEMO.password);
  // Cleo's own team's PRIVATE API is visible to her...
  await page.goto("/apis?q=crash");
  await expect(resultNames(page)).toHaveText(["Crash Reports"]);
  // ...the Payments team's is not, by search, listing, filter counts or URL.
  await page.goto("/apis?q=fraud");
  await expect(page.getByText("No API matches")).toBeVisible();
  await page.goto("/apis?team=payments&limit=100");
  await expect(resultNames(page).filter({ hasText: "Fraud Signals" })).toHaveCount(0);
  await expect(page.getByLabel("Owner team").locator("option", { hasText: "Payments Platform" })).toHaveText("Payments Platform (7)");
  expect((await page.goto("/apis/fraud-signals"))?.status()).toBe(404);
  expect((await page.goto("/apis/fraud-signals/docs"))?.status()).toBe(404);
  await expect(page.getByText("Fraud Signals")).toHaveCount(0);

  await page.goto("/settings/tokens");
  await page.getByLabel("Token name").fill("catalog check");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByLabel("New token").inputValue();
  const auth = { authorization: `Bearer ${token}` };
  const search = await (await request.get("/api/v1/apis?q=fraud", { headers: auth })).json();
  expect(search).toMatchObject({ items: [], total: 0 });
  const all = await (await request.get("/api/v1/apis?limit=100", { headers: auth })).json();
  expect(all.items.map((i: { slug: string }) => i.slug)).not.toContain("fraud-signals");
  expect(all.items.map((i: { slug: string }) => i.slug)).toContain("crash-reports");
  expect((await request.get("/api/v1/apis/fraud-signals", { headers: auth })).status()).toBe(404);
  expect((await request.get("/api/v1/apis/fraud-signals/versions/latest/openapi.json", { headers: auth })).status()).toBe(404);
});

test("the API page, a deprecated version's banner, downloads and the version picker", async ({ page, request }) => {
  await signIn(page, DEMO.cleo, DEMO.password);
  await page.goto("/apis/payments");
  await expect(page.getByRole("heading", { name: "Payments", level: 1 })).toBeVisible();
  await expect(page.getByRole("table", { name: "Versions" })).toContainText("3.0.0");
  await expect(page.getByRole("list", { name: "Plans" })).toContainText("Sandbox");
  await expect(page.getByRole("link", { name: "Request access" })).toBeVisible();
  // Drafts of another team are not listed.
  await expect(page.getByRole("table", { name: "Versions" })).not.toContainText("3.1.0");
  await expectAccessible(page, "API page");
  await screenshot(page, "api-page");

  await page.goto("/apis/payments/docs?version=2.0.0");
  const banner = page.getByRole("note");
  await expect(banner).toContainText("This version is deprecated");
  await expect(banner).toContainText(/retired on \d{4}-\d{2}-\d{2}/);
  await banner.getByRole("link", { name: "version 3.0.0" }).click();
  await expect(page).toHaveURL(/version=3\.0\.0/);
  await expect(page.getByLabel("Version", { exact: true })).toHaveValue("3.0.0");
  await expect(page.locator(".swagger-ui .info .title")).toContainText("Payments");
  await expectAccessible(page, "docs page");
  await screenshot(page, "docs");

  await page.getByLabel("Version", { exact: true }).selectOption("1.0.0");
  await expect(page.getByRole("note")).toContainText("This version is retired");

  const json = await request.get("/api/v1/apis/payments/versions/3.0.0/openapi.json");
  expect(json.headers()["content-type"]).toContain("application/json");
  expect((await json.json()).info.version).toBe("3.0.0");
  const yaml = await request.get("/api/v1/apis/payments/versions/3.0.0/openapi.yaml");
  expect(yaml.headers()["content-type"]).toContain("application/yaml");
  expect(await yaml.text()).toContain("version: 3.0.0");
});

test("the catalog works with the keyboard alone", async ({ page }) => {
  await page.goto("/apis");
  // Skip link first, then into the search box.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  const search = page.getByLabel("Search APIs and operations");
  for (let i = 0; i < 10 && !(await search.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(search).toBeFocused();
  await page.keyboard.type("shipments");
  await expect(page).toHaveURL(/q=shipments/);
  await expect(resultNames(page).first()).toHaveText("Shipments");
  const firstResult = resultNames(page).first().getByRole("link");
  for (let i = 0; i < 30 && !(await firstResult.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(firstResult).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/apis\/shipments$/);
  await expect(page.getByRole("heading", { name: "Shipments", level: 1 })).toBeVisible();
});
