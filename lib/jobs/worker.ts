import PgBoss from "pg-boss";
import { retireOverdueVersions, sendSunsetReminders } from "@/lib/lifecycle/sunset";

const SWEEP = "lifecycle-sweep";

/**
 * The job worker: a PostgreSQL-backed queue (pg-boss), so scheduled work needs
 * no other service and survives restarts (the schedule and jobs live in the
 * database). Every minute it retires versions at their sunset and sends
 * sunset reminders.
 */
export async function startWorker(connectionString: string, log: (message: string) => void = console.log) {
  const boss = new PgBoss({ connectionString, schema: "pgboss", max: 2 });
  boss.on("error", (error) => log(`[worker] ${error.message}`));
  await boss.start();
  await boss.createQueue(SWEEP);
  await boss.schedule(SWEEP, "* * * * *");
  await boss.work(SWEEP, async () => {
    const retired = await retireOverdueVersions();
    const reminded = await sendSunsetReminders();
    if (retired || reminded) log(`[worker] retired ${retired} version(s), sent ${reminded} sunset reminder(s)`);
  });
  // Catch up at once rather than at the next minute.
  await boss.send(SWEEP, {});
  return boss;
}
