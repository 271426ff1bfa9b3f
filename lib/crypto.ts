import { createCipheriv, createDecipheriv, hash, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/** A random secret with a recognisable prefix, e.g. `ptc_pat_…`. */
export function generateSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/**
 * Secrets are 256 random bits, so a plain SHA-256 is a safe and fast lookup
 * hash (no password-style stretching needed).
 */
export function hashSecret(secret: string): string {
  return hash("sha256", secret, "hex");
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

// ---------------------------------------------------------------------------
// Secrets Portico must read back (webhook signing secrets): AES-256-GCM with a
// key derived from PORTICO_SECRET_KEY, else NEXTAUTH_SECRET. A database dump
// alone then does not reveal them. Changing that secret makes stored values
// unreadable (decryptSecret throws), so keep it stable.
// ---------------------------------------------------------------------------

const ENCRYPTED_PREFIX = "enc:v1:";
let derivedKey: { source: string; key: Buffer } | undefined;

function encryptionKey(): Buffer {
  const source = process.env.PORTICO_SECRET_KEY || process.env.NEXTAUTH_SECRET;
  if (!source) throw new Error("Set PORTICO_SECRET_KEY (or NEXTAUTH_SECRET): it encrypts stored secrets such as webhook signing secrets.");
  if (derivedKey?.source !== source) {
    derivedKey = { source, key: Buffer.from(hkdfSync("sha256", source, "portico", "portico:secrets-at-rest:v1", 32)) };
  }
  return derivedKey.key;
}

export function encryptSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey(), iv);
  const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${ENCRYPTED_PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url")}`;
}

/** Throws when the value was not made by encryptSecret with the current key (tampered, or the key changed). */
export function decryptSecret(stored: string): string {
  if (!stored.startsWith(ENCRYPTED_PREFIX)) throw new Error("The stored secret is not in an encrypted format Portico knows.");
  const raw = Buffer.from(stored.slice(ENCRYPTED_PREFIX.length), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey(), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
