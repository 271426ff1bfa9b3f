import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The zero-setup default: `npm start` with no DATABASE_URL and an empty data
// folder starts an embedded Postgres, migrates and seeds it, and serves.
const PORT = 3190;
const GATEWAY_PORT = 3191;
let server: ChildProcess | undefined;
let dataDir: string;
let output = "";

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "portico-embedded-"));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(PORT), GATEWAY_PORT: String(GATEWAY_PORT), PORTICO_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1" };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.NEXTAUTH_SECRET;
  delete env.NEXTAUTH_URL;
  server = spawn("npm", ["start"], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
});

test.afterAll(async () => {
  if (server?.pid) {
    process.kill(-server.pid, "SIGTERM");
    await new Promise((resolve) => server?.once("exit", resolve));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test("npm start on an empty data folder serves a working sign-in with the demo seeded, and its gateway answers with a new key", async ({ page }) => {
  test.setTimeout(240_000);
  const base = `http://localhost:${PORT}`;
  await expect
    .poll(
      async () => {
        if (server?.exitCode != null) throw new Error(`npm start exited early:\n${output}`);
        return fetch(`${base}/api/health`).then((r) => r.status).catch(() => 0);
      },
      { timeout: 150_000, intervals: [500] },
    )
    .toBe(200);
  expect(output).toContain("creating the embedded database");
  expect(output).toContain("demo seeded");

  const health = await (await fetch(`${base}/api/health`)).json();
  expect(health).toMatchObject({ status: "ok", database: { status: "ok" } });

  await page.goto(`${base}/signin`);
  await page.getByLabel("Email").fill("ada@portico.demo");
  await page.getByLabel("Password").fill("portico-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Welcome, Ada Admin" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Payments Platform" })).toBeVisible();

  // The gateway beside it, with no Redis: limits in memory, not "degraded".
  const gateway = `http://localhost:${GATEWAY_PORT}`;
  // Started beside the portal, not after it: it may take a moment longer.
  await expect.poll(() => fetch(`${gateway}/health`).then((r) => r.status).catch(() => 0), { timeout: 30_000, intervals: [250] }).toBe(200);
  expect(await (await fetch(`${gateway}/health`)).json()).toMatchObject({ status: "ok", limiter: "memory" });
  const anonymous = await fetch(`${gateway}/fx-rates/v1/rates`);
  expect(anonymous.status).toBe(401);

  // Cleo's iOS app has a Sandbox subscription to FX Rates: a key she creates now works at the gateway.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.goto(`${base}/signin`);
  await page.getByLabel("Email").fill("cleo@portico.demo");
  await page.getByLabel("Password").fill("portico-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.goto(`${base}/apps`);
  await page.getByRole("link", { name: "iOS app" }).click();
  await page.getByLabel("Key name").fill("embedded check");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByLabel("New key “embedded check”").inputValue();
  expect(key).toMatch(/^ptk_/);
  // The embedded database delivers no NOTIFY: the gateway notices and polls every second instead of every minute.
  const withKey = () => fetch(`${gateway}/fx-rates/v1/rates`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
  await expect.poll(withKey, { timeout: 5_000, intervals: [100] }).toBe(200);
  expect(await (await fetch(`${gateway}/health`)).json()).toMatchObject({ config: { listening: false } });
  expect(output).toContain("reloading everything every 1 s instead");
  const answer = await (await fetch(`${gateway}/fx-rates/v1/rates?page=2`, { headers: { authorization: `Bearer ${key}` } })).json();
  expect(answer).toMatchObject({ method: "GET", path: "/rates", query: { page: "2" } });
  expect(answer.demo).toContain("demo upstream for fx-rates");

  // Revoked in the browser, refused by the gateway within seconds.
  await page.reload();
  const listed = page.getByRole("listitem").filter({ hasText: "embedded check" });
  await listed.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("button", { name: "Revoke embedded check now" }).click();
  await expect(listed).toContainText("revoked");
  await expect.poll(withKey, { timeout: 5_000, intervals: [100] }).toBe(401);
});
