import PgBoss from "pg-boss";
import { retireOverdueVersions, sendSunsetReminders } from "@/lib/lifecycle/sunset";
import { EMAIL_QUEUE, EMAIL_QUEUE_OPTIONS, sendNotificationEmail } from "@/lib/notifications/notify";
import { startWebhookDispatcher } from "@/lib/webhooks/dispatcher";
import { DELIVERY_RETENTION_DAYS, pruneOldDeliveries } from "@/lib/webhooks/deliver";
import { runUsageRollup } from "@/lib/usage/rollup";
import { pruneUsage } from "@/lib/usage/retention";

const SWEEP = "lifecycle-sweep";
const USAGE_ROLLUP = "usage-rollup";
const USAGE_RETENTION = "usage-retention";

/**
 * The job worker: a PostgreSQL-backed queue (pg-boss), so scheduled work needs
 * no other service and survives restarts (the schedule and jobs live in the
 * database). Every minute it retires versions at their sunset, sends
 * sunset reminders and deletes old webhook deliveries; it rolls gateway usage
 * up per minute (and prunes it hourly, lib/usage); it sends the notification emails queued by notifyUsers;
 * and it delivers team webhooks (lib/webhooks/dispatcher.ts), stopping with
 * the queue.
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
    const pruned = await pruneOldDeliveries();
    if (pruned) log(`[worker] deleted ${pruned} webhook deliveries older than ${DELIVERY_RETENTION_DAYS} days`);
  });
  // "stately": a run that is still busy is not queued up behind again and again.
  await boss.createQueue(USAGE_ROLLUP, { name: USAGE_ROLLUP, policy: "stately" });
  await boss.schedule(USAGE_ROLLUP, "* * * * *");
  await boss.work(USAGE_ROLLUP, async () => {
    const { steps, behind } = await runUsageRollup();
    if (behind) log(`[worker] usage rollup is catching up: ${steps} hour(s) rolled up this run, more at the next`);
  });
  await boss.createQueue(USAGE_RETENTION, { name: USAGE_RETENTION, policy: "stately" });
  await boss.schedule(USAGE_RETENTION, "17 * * * *");
  await boss.work(USAGE_RETENTION, async () => {
    const { events, minutes } = await pruneUsage();
    if (events || minutes) log(`[worker] usage retention deleted ${events} raw event(s) and ${minutes} minute rollup(s)`);
  });
  await boss.createQueue(EMAIL_QUEUE, { name: EMAIL_QUEUE, ...EMAIL_QUEUE_OPTIONS });
  await boss.work<{ notificationId: string }>(EMAIL_QUEUE, { pollingIntervalSeconds: 1 }, async (jobs) => {
    for (const job of jobs) await sendNotificationEmail(job.data.notificationId);
  });
  const webhooks = startWebhookDispatcher(connectionString, { log });
  boss.on("stopped", () => void webhooks.stop());
  // Catch up at once rather than at the next minute.
  await boss.send(SWEEP, {});
  return boss;
}
