import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// tsconfig's `@/*` → repo root, for the tests and the code they import.
// (Given to each project rather than inherited with `extends: true`, which
// would load this file again per project.)
const resolve = { alias: [{ find: /^@\//, replacement: fileURLToPath(new URL("./", import.meta.url)) }] };

export default defineConfig({
  resolve,
  test: {
    projects: [
      {
        resolve,
        test: {
          name: "unit",
          // Pure tests beside the code: no database, no network.
          include: ["lib/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        resolve,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          // One fresh database per run: created, migrated and dropped by the
          // global setup, pointed at by DATABASE_URL in every test file ...
          globalSetup: ["tests/integration/global-setup.ts"],
          setupFiles: ["tests/integration/setup.ts"],
          // ... and shared by all of them, so the files run one at a time.
          pool: "forks",
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve,
        test: {
          name: "gateway",
          // The gateway's modules and processes against a real Redis (and the
          // redis-server children the outage tests start); no database setup.
          include: ["tests/gateway/**/*.test.ts"],
          environment: "node",
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
    ],
  },
});
