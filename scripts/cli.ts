// Administrative commands: npm run portico -- <command>
//   make-admin <email>    make a user platform ADMIN
import { db } from "@/lib/db";

async function main(args: string[]) {
  const [command, email] = args;
  if (command === "make-admin" && email) {
    const user = await db.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true, platformRole: true } });
    if (!user) throw new Error(`No user with email ${email}. They must sign up first.`);
    await db.$transaction([
      db.user.update({ where: { id: user.id }, data: { platformRole: "ADMIN" } }),
      db.auditEvent.create({
        data: { action: "user.platform_role_changed", targetType: "user", targetId: user.id, actorEmail: "cli", requestId: "cli", before: { platformRole: user.platformRole }, after: { platformRole: "ADMIN" } },
      }),
    ]);
    console.log(`${email} is now a platform admin.`);
    return;
  }
  console.error("Usage: npm run portico -- make-admin <email>");
  process.exitCode = 2;
}

main(process.argv.slice(2))
  .catch((error) => {
    console.error(`[portico] ${(error as Error).message}`);
    process.exitCode = 1;
  })
  .finally(() => db.$disconnect());
