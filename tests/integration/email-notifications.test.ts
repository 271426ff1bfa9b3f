// Email copies of notifications, end to end: notifyUsers queues a job through
// the caller's transaction, the real job worker (pg-boss on the test
// database) sends it with nodemailer, and a real SMTP server on 127.0.0.1
// receives and parses it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { AddressInfo } from "node:net";
import type PgBoss from "pg-boss";
import { SMTPServer } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import { startWorker } from "@/lib/jobs/worker";
import { closeEmailQueue, emailNotificationsEnabled, notifyUsers, sendNotificationEmail, setEmailNotifications } from "@/lib/notifications/notify";
import { db, makeUser, resetDatabase, type TestUser } from "./helpers";

const received: ParsedMail[] = [];
/** Recipients the SMTP server refuses (550), to show that a refusal reaches the queue as a failure. */
const refused = new Set<string>();
let smtp: SMTPServer;
let boss: PgBoss;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address)) return callback(Object.assign(new Error("Mailbox unavailable"), { responseCode: 550 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
  const { port } = smtp.server.address() as AddressInfo;
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  process.env.MAIL_FROM = "Portico <portico@example.test>";
  process.env.PORTICO_URL = "https://portico.example.test";
  boss = await startWorker(inject("databaseUrl"), () => undefined);
});

afterAll(async () => {
  await boss.stop({ graceful: false, wait: true });
  await closeEmailQueue();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  delete process.env.SMTP_URL;
});

let alice: TestUser;
let bob: TestUser;

beforeEach(async () => {
  await resetDatabase();
  received.length = 0;
  refused.clear();
  alice = await makeUser({ email: "alice@example.test", name: "Alice" });
  bob = await makeUser({ email: "bob@example.test", name: "Bob" });
});

afterEach(() => {
  refused.clear();
});

const mailsTo = (address: string) => received.filter((mail) => mail.to && !Array.isArray(mail.to) && mail.to.value.some((v) => v.address === address));

async function waitForMail(address: string, subject: string, timeoutMs = 15_000): Promise<ParsedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = mailsTo(address).find((m) => m.subject === subject);
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`No mail "${subject}" to ${address} within ${timeoutMs} ms (got: ${received.map((m) => m.subject).join(", ") || "none"})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("email notifications", () => {
  it("mails a notification to the users who want email, after the commit, and not to those who turned it off", async () => {
    await setEmailNotifications(bob.actor, false);
    expect(await emailNotificationsEnabled(bob.actor)).toBe(false);
    expect(await emailNotificationsEnabled(alice.actor)).toBe(true);

    const count = await db.$transaction((tx) =>
      notifyUsers(tx, [alice.id, bob.id, alice.id], { kind: "version.deprecated", title: "Payments 1.0.0 is deprecated", body: "It will be retired on 2027-01-31.", link: "/apis/payments/docs?version=1.0.0" }),
    );
    expect(count).toBe(2);
    // In-app for both, whatever their email setting.
    expect(await db.notification.count({ where: { kind: "version.deprecated" } })).toBe(2);

    const mail = await waitForMail("alice@example.test", "Payments 1.0.0 is deprecated");
    expect(mail.from?.value[0]).toMatchObject({ address: "portico@example.test", name: "Portico" });
    expect(mail.text).toContain("It will be retired on 2027-01-31.");
    expect(mail.text).toContain("https://portico.example.test/apis/payments/docs?version=1.0.0");
    expect(mail.text).toContain("https://portico.example.test/notifications");

    // Bob's copy would have been queued beside Alice's: give the worker time to (not) send it.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(mailsTo("bob@example.test")).toEqual([]);
    expect(mailsTo("alice@example.test")).toHaveLength(1);
    expect(await db.auditEvent.count({ where: { action: "user.email_notifications_changed", actorId: bob.id } })).toBe(1);
  });

  it("sends nothing for a notification whose transaction rolled back: its email job was inserted in that transaction", async () => {
    const jobs = async (client: Pick<typeof db, "$queryRaw"> = db) =>
      Number((await client.$queryRaw<{ count: bigint }[]>`SELECT count(*) FROM pgboss.job WHERE name = 'notification-email'`)[0].count);
    const before = await jobs();
    await expect(
      db.$transaction(async (tx) => {
        await notifyUsers(tx, [alice.id], { kind: "test", title: "Never committed" });
        expect(await jobs(tx)).toBe(before + 1);
        throw new Error("the change failed after notifying");
      }),
    ).rejects.toThrow("the change failed after notifying");
    expect(await db.notification.count()).toBe(0);
    expect(await jobs()).toBe(before);

    // A later committed notification arrives: the worker is running, and sent only that one.
    await db.$transaction((tx) => notifyUsers(tx, [alice.id], { kind: "test", title: "Committed" }));
    await waitForMail("alice@example.test", "Committed");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(received.map((m) => m.subject)).toEqual(["Committed"]);
  });

  it("asks the user's setting at sending time, and throws on an SMTP refusal so the queue retries", async () => {
    await notifyUsers(db, [alice.id], { kind: "test", title: "Queued" });
    await waitForMail("alice@example.test", "Queued");
    const notification = await db.notification.findFirstOrThrow({ where: { userId: alice.id } });

    await setEmailNotifications(alice.actor, false);
    expect(await sendNotificationEmail(notification.id)).toBe(false);
    await setEmailNotifications(alice.actor, true);
    refused.add("alice@example.test");
    await expect(sendNotificationEmail(notification.id)).rejects.toThrow(/Mailbox unavailable/);
    refused.clear();
    expect(await sendNotificationEmail(notification.id)).toBe(true);
    expect(mailsTo("alice@example.test")).toHaveLength(2);
  });

  it("queues no email when SMTP is not configured", async () => {
    const url = process.env.SMTP_URL;
    delete process.env.SMTP_URL;
    try {
      await notifyUsers(db, [alice.id], { kind: "test", title: "No SMTP" });
    } finally {
      process.env.SMTP_URL = url;
    }
    const [{ count }] = await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) FROM pgboss.job WHERE name = 'notification-email' AND data->>'notificationId' IN (SELECT id FROM "Notification")`;
    expect(count).toBe(0n);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(received).toEqual([]);
  });
});
