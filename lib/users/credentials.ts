import { db } from "@/lib/db";
import { decoyPasswordHash, verifyPassword } from "@/lib/auth/password";

/** The user whose password this is, or null. Takes as long for an unknown email. */
export async function authenticateWithPassword(email: string, password: string) {
  const user = await db.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  const ok = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
  if (!user?.passwordHash || !ok) return null;
  return { id: user.id, email: user.email, name: user.name };
}
