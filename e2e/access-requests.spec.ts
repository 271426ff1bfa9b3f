import { execFileSync } from "node:child_process";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { DEMO, screenshot, signIn, signOut } from "./support";

async function verify(request: APIRequestContext, gatewaySecret: string, key: string) {
  const response = await request.post("/api/v1/keys/verify", {
    headers: { authorization: `Bearer ${gatewaySecret}` },
    data: { key, api: "fx-rates", version: "v1" },
  });
  expect(response.status()).toBe(200);
  return (await response.json()) as { allowed: boolean; reason?: string };
}

test("a consumer requests access, the publisher approves, the consumer gets a key the gateway accepts, the publisher revokes and the key is refused", async ({ page, request }) => {
  test.setTimeout(150_000);
  const appName = `Checkout ${Date.now().toString(36)}`;
  const gatewaySecret = execFileSync("npx", ["tsx", "e2e/fixtures/gateway-credential.ts", `e2e ${appName}`], { encoding: "utf8" }).trim();

  // Cleo (Mobile) creates an application and asks for the Production plan of FX Rates.
  await signIn(page, DEMO.cleo, DEMO.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Applications" }).click();
  await page.getByLabel("Team").selectOption({ label: "Mobile Apps" });
  await page.getByLabel("Name").fill(appName);
  await page.getByLabel("Environment").selectOption("PRODUCTION");
  await page.getByRole("button", { name: "Create application" }).click();
  await expect(page.getByRole("heading", { level: 1, name: appName })).toBeVisible();
  const applicationUrl = page.url();
  await expect(page.getByText("Keys need an approved subscription", { exact: false })).toBeVisible();

  await page.goto("/apis/fx-rates");
  await page.getByRole("link", { name: "Request access" }).click();
  await page.getByLabel("Application").selectOption({ label: `${appName} (Mobile Apps)` });
  await page.getByRole("radio", { name: /Production/ }).check();
  await page.getByLabel("Why do you need access?").fill("Showing prices in the shopper's currency at checkout.");
  await screenshot(page, "access-request-form");
  await page.getByRole("button", { name: "Request access" }).click();
  await expect(page.getByRole("status")).toContainText("Request sent");
  // A second request for the same application and API is refused.
  await page.reload();
  await page.getByLabel("Application").selectOption({ label: `${appName} (Mobile Apps) — already requested` });
  await expect(page.getByRole("note")).toContainText("already has a pending request");
  await expect(page.getByRole("button", { name: /^(Request|Get) access$/ })).toBeDisabled();
  await signOut(page);

  // Ben (ADMIN of Payments) sees it in the inbox, with the justification, and approves.
  await signIn(page, DEMO.ben, DEMO.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Access requests/ }).click();
  const card = page.getByRole("listitem", { name: "Mobile Apps → FX Rates" });
  await expect(card).toContainText(appName);
  await expect(card).toContainText("Showing prices in the shopper's currency at checkout.");
  await expect(card).toContainText("Cleo Consumer");
  await screenshot(page, "access-inbox");
  await card.getByRole("button", { name: /^Approve/ }).click();
  await card.getByRole("button", { name: "Approve access" }).click();
  await expect(page.getByRole("status")).toContainText(`Subscription of ${appName} (Mobile Apps) to FX Rates is now active`);
  await expect(page.getByRole("listitem", { name: "Mobile Apps → FX Rates" })).toHaveCount(0);
  await signOut(page);

  // Cleo is told, creates a key, sees it once; the gateway's verify call accepts it.
  await signIn(page, DEMO.cleo, DEMO.password);
  await page.getByRole("link", { name: /Notifications, \d+ unread/ }).click();
  await expect(page.getByRole("main")).toContainText("Access to FX Rates approved");
  await page.goto(applicationUrl);
  await expect(page.getByRole("list", { name: "Subscriptions" })).toContainText("Active");
  await page.getByLabel("Key name").fill("checkout backend");
  await page.getByRole("button", { name: "Create key" }).click();
  const secretField = page.getByLabel("New key “checkout backend”");
  await expect(secretField).toHaveValue(/^ptk_/);
  const key = await secretField.inputValue();
  await screenshot(page, "application-key-created");
  expect(await verify(request, gatewaySecret, key)).toMatchObject({ allowed: true });
  await page.reload();
  await expect(page.getByRole("list", { name: "API keys" })).toContainText("checkout backend");
  await expect(page.locator(`input[value="${key}"]`)).toHaveCount(0);
  await expect(page.getByRole("main")).not.toContainText(key);
  await signOut(page);

  // Ben revokes the subscription with a reason: the key is refused at once.
  await signIn(page, DEMO.ben, DEMO.password);
  await page.goto("/apis/fx-rates/consumers");
  await page.getByRole("button", { name: `Revoke access of ${appName} (Mobile Apps)` }).click();
  await page.getByLabel("Reason (the requesting team will read it)").fill("Moving you to the partner plan.");
  await page.getByRole("button", { name: "Revoke access", exact: true }).click();
  await expect(page.getByRole("status")).toContainText(`Subscription of ${appName} (Mobile Apps) to FX Rates was revoked`);
  const refused = await verify(request, gatewaySecret, key);
  expect(refused.allowed).toBe(false);
  await screenshot(page, "api-consumers");
});
