import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A random secret with a recognisable prefix, e.g. `ptc_pat_…`. */
export function generateSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/**
 * Secrets are 256 random bits, so a plain SHA-256 is a safe and fast lookup
 * hash (no password-style stretching needed).
 */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
