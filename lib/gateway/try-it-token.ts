// The docs page's try-it calls go through Portico's own server (same origin,
// so no CORS), which forwards them to the gateway with this short-lived token
// instead of an API key: Portico never holds a consumer's key in clear. The
// token names the viewer's application and the API, and is signed with the
// secret Portico and the gateway share, so the gateway applies the same
// subscription check, limits and usage recording as for a key. On a keyless
// API tried without an application it names the viewer instead: every call
// comes from Portico's address, and the gateway's per-address limit would
// otherwise put all viewers in one bucket.
import { createHmac } from "node:crypto";
import { safeEqual } from "@/lib/crypto";

export const TRY_IT_HEADER = "x-portico-try-it";
const LIFETIME_MS = 5 * 60_000;

/** Either an application (its subscription applies) or, on a keyless API, a viewer (a user id). */
export type TryItClaims = { apiId: string; expiresAt: number } & ({ applicationId: string; viewerId?: undefined } | { viewerId: string; applicationId?: undefined });

type Unsigned<T> = T extends unknown ? Omit<T, "expiresAt"> : never;

/** The secret both processes know: PORTICO_SECRET_KEY, else NEXTAUTH_SECRET. */
export function tryItSecret(): string | null {
  return process.env.PORTICO_SECRET_KEY || process.env.NEXTAUTH_SECRET || null;
}

function sign(payload: string, secret: string): string {
  return createHmac("sha256", `portico-try-it:${secret}`).update(payload).digest("base64url");
}

export function signTryItToken(claims: Unsigned<TryItClaims>, secret: string, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ ...claims, expiresAt: now + LIFETIME_MS })).toString("base64url");
  return `${payload}.${sign(payload, secret)}`;
}

export function verifyTryItToken(token: string, secret: string, now = Date.now()): TryItClaims | null {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined || !safeEqual(signature, sign(payload, secret))) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TryItClaims;
    if (typeof claims.apiId !== "string" || typeof claims.expiresAt !== "number" || claims.expiresAt <= now) return null;
    // Exactly one of the two.
    if ((typeof claims.applicationId === "string") === (typeof claims.viewerId === "string")) return null;
    return claims;
  } catch {
    return null;
  }
}
