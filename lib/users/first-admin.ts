import type { Db, Tx } from "@/lib/db";

// Serialises "is this the first user?" so two simultaneous first sign-ups
// cannot both become platform admin.
const FIRST_USER_LOCK = 727_001;

/**
 * Makes the user platform ADMIN when nobody administers the platform yet, as
 * for the first user. (Counting admins rather than other users keeps two
 * simultaneous first sign-ups from both deciding they are not first.)
 */
export async function promoteIfFirstUser(userId: string, client?: Tx): Promise<boolean> {
  const run = async (tx: Tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
    const admins = await tx.user.count({ where: { platformRole: "ADMIN" } });
    if (admins > 0) return false;
    await tx.user.update({ where: { id: userId }, data: { platformRole: "ADMIN" } });
    return true;
  };
  if (client) return run(client);
  const { db } = await import("@/lib/db");
  return (db as Db).$transaction(run);
}

export { FIRST_USER_LOCK };
