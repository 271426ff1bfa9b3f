import { db } from "@/lib/db";
import { conflict, isUniqueViolation } from "@/lib/errors";
import { hashPassword } from "@/lib/auth/password";
import { recordAudit } from "@/lib/audit/record";
import { FIRST_USER_LOCK } from "./first-admin";
import { signUpInput, type SignUpInput } from "./schemas";

/** Creates an account. The very first account administers the platform. */
export async function signUp(input: SignUpInput, requestId: string | null) {
  const data = signUpInput.parse(input);
  const passwordHash = await hashPassword(data.password);
  try {
    return await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
      const isFirst = (await tx.user.count()) === 0;
      const user = await tx.user.create({
        data: { name: data.name, email: data.email, passwordHash, platformRole: isFirst ? "ADMIN" : "MEMBER" },
        select: { id: true, email: true, name: true, platformRole: true },
      });
      await recordAudit(tx, {
        actor: { userId: user.id, email: user.email, requestId },
        action: "user.signed_up",
        target: { type: "user", id: user.id },
        after: { email: user.email, name: user.name, platformRole: user.platformRole },
      });
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("An account with this email already exists. Sign in instead.", "email-taken");
    throw error;
  }
}
