import "server-only";
import type { Actor, MaybeActor } from "@/lib/authz/actor";
import { getSessionActor } from "@/lib/auth/session";
import { toAppError } from "@/lib/http/problem";
import type { FieldError } from "@/lib/errors";

export type ActionState<T = undefined> =
  | { ok: true; message?: string; data?: T }
  | { ok: false; error: string; fieldErrors?: Record<string, string>; problems?: FieldError[] }
  | null;

/**
 * Every server action goes through here: a server action is a public endpoint,
 * so it resolves its own caller and lets the domain function decide. Expected
 * errors reach the form; anything else is logged and answered generically.
 */
export async function runAction<T>(perform: (actor: MaybeActor) => Promise<{ message?: string; data?: T } | void>): Promise<ActionState<T>> {
  let actor: MaybeActor = null;
  try {
    actor = await getSessionActor();
    const result = await perform(actor);
    return { ok: true, ...(result ?? {}) };
  } catch (error) {
    const appError = toAppError(error, actor?.requestId);
    if (appError.code === "internal") return { ok: false, error: "Something went wrong on our side. Please try again." };
    const fieldErrors = Object.fromEntries(appError.errors.map((e) => [e.pointer.replace(/^\//, "").split("/")[0], e.detail]));
    return { ok: false, error: appError.message, ...(appError.errors.length ? { fieldErrors, problems: appError.errors } : {}) };
  }
}

export type { Actor };
