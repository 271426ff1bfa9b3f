import type { PlatformRole } from "@/lib/generated/prisma/enums";

/** Who is acting: a signed-in person (by session or personal access token), or nobody. */
export interface Actor {
  userId: string;
  email: string;
  name: string | null;
  platformRole: PlatformRole;
  /** Correlates the audit events of one request. */
  requestId: string;
  via: "session" | "token";
}

export type MaybeActor = Actor | null;
