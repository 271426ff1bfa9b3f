import { seedDemo, DEMO_PASSWORD, DEMO_USERS } from "@/lib/demo/seed";
import { db } from "@/lib/db";

seedDemo()
  .then((seeded) => {
    console.log(
      seeded
        ? `[portico] demo seeded: sign in as ${DEMO_USERS[0].email} (platform admin) or ${DEMO_USERS[1].email}, password "${DEMO_PASSWORD}"`
        : "[portico] demo data already present",
    );
  })
  .catch((error) => {
    console.error("[portico] seeding failed", error);
    process.exitCode = 1;
  })
  .finally(() => db.$disconnect());
