import { defineConfig, devices } from "@playwright/test";

// Run through `npm run test:e2e`, which makes a fresh database and a
// production build first and passes DATABASE_URL here.
const port = Number(process.env.E2E_PORT ?? 3100);
export const baseURL = `http://localhost:${port}`;
const gatewayPort = Number(process.env.E2E_GATEWAY_PORT ?? 3180);
export const gatewayURL = `http://localhost:${gatewayPort}`;
// Portico signs try-it requests for the gateway with this shared secret.
const secret = process.env.NEXTAUTH_SECRET ?? "e2e-only-secret-not-for-production";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 860 } } }],
  webServer: [
    {
      command: `node_modules/.bin/next start -p ${port}`,
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        DATABASE_URL: process.env.DATABASE_URL ?? "",
        NEXTAUTH_SECRET: secret,
        NEXTAUTH_URL: baseURL,
        GATEWAY_URL: gatewayURL,
        NEXT_TELEMETRY_DISABLED: "1",
      },
    },
    {
      command: "node_modules/.bin/tsx gateway/main.ts",
      url: `${gatewayURL}/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        DATABASE_URL: process.env.DATABASE_URL ?? "",
        REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        GATEWAY_PORT: String(gatewayPort),
        GATEWAY_HOST: "127.0.0.1",
        NEXTAUTH_SECRET: secret,
        GATEWAY_USAGE_FLUSH_MS: "200",
      },
    },
  ],
});
