// Runs in the test worker before each file: point lib/db at this run's database.
import { afterAll, inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.PORTICO_TEST_ADMIN_URL = inject("adminUrl");
// Invitations are not mailed in tests.
delete process.env.SMTP_URL;

afterAll(async () => {
  const { db } = await import("@/lib/db");
  await db.$disconnect();
});
