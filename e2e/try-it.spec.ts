import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { expect, test } from "@playwright/test";
import { gatewayURL } from "../playwright.config";
import { DEMO, screenshot, signIn } from "./support";

// Needs the gateway playwright.config.ts starts (gatewayURL) against
// the e2e database, with the same NEXTAUTH_SECRET (or PORTICO_SECRET_KEY) as
// the Portico server, so it accepts the try-it tokens Portico signs.
let echo: ChildProcess | undefined;
let echoUrl = "";

test.beforeAll(async () => {
  echo = spawn("node_modules/.bin/tsx", ["e2e/fixtures/echo-upstream.ts", "0"], { stdio: ["ignore", "pipe", "inherit"], env: process.env });
  echoUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the echo upstream did not start")), 20_000);
    echo!.stdout!.on("data", (chunk: Buffer) => {
      const line = chunk.toString().split("\n").find((text) => text.startsWith("http://"));
      if (line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    echo!.once("exit", (code) => reject(new Error(`the echo upstream exited (${code})`)));
  });
  // The demo's FX Rates points at an address that does not exist: point it at the echo.
  execFileSync("node_modules/.bin/tsx", ["e2e/fixtures/point-upstream.ts", "fx-rates", echoUrl], { stdio: "inherit", env: process.env });
});

test.afterAll(() => {
  echo?.kill("SIGTERM");
});

test("a consumer tries an operation on the docs page with one of their applications and sees the upstream's answer through the gateway; the publisher's analytics count the call", async ({ page, browser }) => {
  test.setTimeout(120_000);
  // Ben (ADMIN of Payments, which owns FX Rates) watches the analytics in a second browser.
  const publisherContext = await browser.newContext();
  const publisher = await publisherContext.newPage();
  await signIn(publisher, DEMO.ben, DEMO.password);
  // Over 30 days, whose window moves in 6-hour steps: over the last hour,
  // whose window moves every minute, a demo call leaving the window could
  // cancel out the new one (it did, in one CI run).
  const iosAppCalls = async () => {
    await publisher.goto("/apis/fx-rates/analytics?range=30d");
    const row = publisher.getByRole("table", { name: "Top consumers" }).getByRole("row", { name: /iOS app/ });
    return (await row.count()) ? Number((await row.getByRole("cell").nth(2).innerText()).replace(/\D/g, "")) : 0;
  };
  const before = await iosAppCalls();

  // Cleo's "iOS app" (Mobile Apps) holds an ACTIVE Sandbox subscription to FX Rates (lib/demo/seed.ts).
  await signIn(page, DEMO.cleo, DEMO.password);
  await page.goto("/apis/fx-rates/docs");
  await expect(page.locator(".swagger-ui .info")).toBeVisible({ timeout: 20_000 });

  const picker = page.getByLabel("Try it with");
  await expect(picker).toBeVisible();
  await picker.selectOption({ label: "iOS app (Mobile Apps)" });
  // The docs show consumers the gateway's address, not the upstream's.
  await expect(page.locator(".swagger-ui .servers")).toContainText(`${gatewayURL}/fx-rates/1.0.1`);

  const operation = page.locator("#operations-Quotes-listQuotes");
  await operation.locator("button.opblock-summary-control").click();
  await operation.getByRole("button", { name: "Try it out" }).click();
  const status = operation.locator(".live-responses-table tbody .response-col_status").first();
  // The gateway picks the new upstream up within a second; the first call may still race it.
  await expect(async () => {
    await operation.getByRole("button", { name: "Execute" }).click();
    await expect(status).toContainText("200", { timeout: 5_000 });
  }).toPass({ timeout: 30_000 });

  const details = operation.locator(".live-responses-table tbody .response-col_description").first();
  await expect(details).toContainText("portico-e2e-echo");
  await expect(details).toContainText('"path": "/quotes"');
  // The upstream heard from the application through the gateway, with no credential of the viewer's.
  await expect(details).toContainText("x-portico-application-id");
  await expect(details).toContainText('"receivedCredentials": []');
  // What the docs show as sent is the consumer's call to the gateway.
  await expect(operation.locator(".request-url")).toContainText(`${gatewayURL}/fx-rates/1.0.1/quotes`);
  await screenshot(page, "docs-try-it");

  // The call is on the publisher's analytics page within seconds.
  await expect.poll(iosAppCalls, { timeout: 20_000 }).toBeGreaterThan(before);
  await screenshot(publisher, "analytics-after-try-it");
  await publisherContext.close();
});

test("a viewer without a subscription is told how to get access", async ({ page }) => {
  // Dev Viewer belongs to no team that consumes FX Rates.
  await signIn(page, DEMO.viewer, DEMO.password);
  await page.goto("/apis/fx-rates/docs");
  await expect(page.locator(".swagger-ui .info")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText("None of your applications has an active subscription to FX Rates")).toBeVisible();
  await expect(page.getByRole("region", { name: "Try it" }).getByRole("link", { name: "Request access" })).toHaveAttribute("href", "/apis/fx-rates/access");
  await expect(page.getByLabel("Try it with")).toHaveCount(0);
});
