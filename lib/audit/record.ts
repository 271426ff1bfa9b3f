import type { Prisma } from "@/lib/generated/prisma/client";
import type { Db, Tx } from "@/lib/db";

export interface AuditActor {
  userId: string | null;
  email: string | null;
  requestId: string | null;
}

export interface AuditEntry {
  actor: AuditActor;
  teamId?: string | null;
  /** `<resource>.<verb in past tense>`, e.g. `member.role_changed`. */
  action: string;
  target: { type: string; id?: string | null };
  before?: unknown;
  after?: unknown;
}

function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);
}

/**
 * Appends one audit event. Call it with the transaction that makes the change,
 * so a change and its audit record commit or fail together.
 */
export async function recordAudit(client: Db | Tx, entry: AuditEntry): Promise<void> {
  await client.auditEvent.create({
    data: {
      actorId: entry.actor.userId,
      actorEmail: entry.actor.email,
      requestId: entry.actor.requestId,
      teamId: entry.teamId ?? null,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id ?? null,
      before: toJson(entry.before),
      after: toJson(entry.after),
    },
  });
}
