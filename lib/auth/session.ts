import { randomUUID } from "node:crypto";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { db } from "@/lib/db";
import { unauthenticated } from "@/lib/errors";
import type { Actor, MaybeActor } from "@/lib/authz/actor";
import { authOptions } from "./options";

export async function requestIdFromHeaders(): Promise<string> {
  const incoming = (await headers()).get("x-request-id");
  return incoming && /^[\w.:-]{1,100}$/.test(incoming) ? incoming : randomUUID();
}

/** Builds the actor from a user id, reading role and email fresh from the database. */
export async function actorForUser(userId: string, requestId: string, via: Actor["via"]): Promise<MaybeActor> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true, platformRole: true } });
  if (!user) return null;
  return { userId: user.id, email: user.email, name: user.name, platformRole: user.platformRole, requestId, via };
}

/** The signed-in person of this page or server action, or null. */
export async function getSessionActor(): Promise<MaybeActor> {
  const session = await getServerSession(authOptions);
  const userId = (session?.user as { id?: string } | undefined)?.id;
  if (!userId) return null;
  return actorForUser(userId, await requestIdFromHeaders(), "session");
}

export async function requireSessionActor(): Promise<Actor> {
  const actor = await getSessionActor();
  if (!actor) throw unauthenticated();
  return actor;
}
