import { expect, test } from "@playwright/test";
import { DEMO, screenshot, signIn, signOut } from "./support";

// The demo seed (lib/demo/usage.ts) records a week of gateway traffic with
// fixed totals per application: Identity's "Account service" made 42,000 calls
// to Payments 2.0.0, which is deprecated, and Mobile's "Android app" 3,000.
// Their keys were never shown to anyone, so no other test adds to them.

test("a publisher reads an API's analytics: charts, figures, consumers and the sunset campaign; other teams are refused", async ({ page }) => {
  test.setTimeout(90_000);

  // Ben (ADMIN of Payments) opens the analytics from the API page.
  await signIn(page, DEMO.ben, DEMO.password);
  await page.goto("/apis/payments");
  await page.getByRole("link", { name: "Analytics", exact: true }).click();
  await expect(page).toHaveURL(/\/apis\/payments\/analytics$/);
  await expect(page.getByRole("heading", { level: 1, name: "Analytics" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Time range" }).getByRole("link", { name: "Last 24 hours" })).toHaveAttribute("aria-current", "page");

  // The whole demo week lies within the last 30 days; the range is in the URL.
  await page.getByRole("navigation", { name: "Time range" }).getByRole("link", { name: "Last 30 days" }).click();
  await expect(page).toHaveURL(/\/apis\/payments\/analytics\?range=30d$/);
  await expect(page.getByRole("navigation", { name: "Time range" }).getByRole("link", { name: "Last 30 days" })).toHaveAttribute("aria-current", "page");

  const traffic = page.getByRole("figure", { name: "Traffic by status class" });
  await expect(traffic).toBeVisible();
  await expect(traffic).toContainText("2xx/3xx success");
  await expect(traffic).toContainText("5xx server errors");
  await expect(traffic).toContainText("Time (UTC)");
  await expect(traffic.locator(".recharts-bar-rectangle")).not.toHaveCount(0);
  await expect(page.getByRole("figure", { name: "Latency percentiles" }).locator(".recharts-line-curve")).toHaveCount(3);
  await expect(page.getByRole("figure", { name: "Error rate" }).locator(".recharts-line-curve")).toHaveCount(2);
  await expect(page.getByLabel("Summary")).toContainText("Latency p95");

  // The sunset campaign: who still calls the deprecated 2.0.0, and whom to write to.
  await expect(page.getByRole("heading", { name: "Sunset campaign: who still calls deprecated versions" })).toBeVisible();
  const callers = page.getByRole("table", { name: "Applications still calling 2.0.0" });
  const accountService = callers.getByRole("row", { name: /Account service/ });
  await expect(accountService).toContainText("Identity");
  await expect(accountService).toContainText("42,000");
  await expect(accountService.getByRole("link", { name: "ada@portico.demo" })).toHaveAttribute("href", /^mailto:ada@portico\.demo\?subject=/);
  const android = callers.getByRole("row", { name: /Android app/ });
  await expect(android).toContainText("Mobile Apps");
  await expect(android).toContainText("3,000");
  await expect(android).toContainText("cleo@portico.demo");
  await expect(page.getByRole("link", { name: "Email all 2 contacts" })).toHaveAttribute("href", /^mailto:\?bcc=/);

  await expect(page.getByRole("table", { name: "Top consumers" }).getByRole("row", { name: /Account service/ })).toContainText("42,000");
  await expect(page.getByRole("table", { name: "Traffic by version" }).getByRole("row", { name: /2\.0\.0/ })).toContainText("45,000");
  await screenshot(page, "api-analytics");
  await signOut(page);

  // Cleo (Mobile Apps, not in Payments) sees no link and is refused: 403 for the
  // public API she can see, 404 for the private one she cannot.
  await signIn(page, DEMO.cleo, DEMO.password);
  await page.goto("/apis/payments");
  await expect(page.getByRole("heading", { level: 1, name: "Payments", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Analytics", exact: true })).toHaveCount(0);
  expect((await page.goto("/apis/payments/analytics?range=30d"))?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access" })).toBeVisible();
  await expect(page.getByRole("main")).not.toContainText("Account service");
  expect((await page.goto("/apis/fraud-signals/analytics"))?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();

  // Her own application's usage, against its plans' limits, is hers to see.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Applications" }).click();
  await page.getByRole("link", { name: "iOS app", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "iOS app" })).toBeVisible();
  const usage = page.getByRole("list", { name: "Usage by API" });
  await expect(usage.getByRole("listitem", { name: "Usage of FX Rates" })).toContainText("of 10,000");
  await expect(usage.getByRole("listitem", { name: "Usage of Payments" })).toContainText("of 5,000,000");
  await expect(usage.getByRole("listitem", { name: "Usage of Payments" }).getByRole("progressbar").first()).toBeVisible();
  await expect(usage.getByRole("figure", { name: "Requests to Payments, last 7 days" })).toBeVisible();
  await screenshot(page, "application-usage");
});
