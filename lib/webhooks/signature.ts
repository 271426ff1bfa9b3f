// How Portico signs webhook deliveries, and how a receiver checks them.
//
//   Portico-Timestamp: <unix seconds when this attempt was sent>
//   Portico-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
//
// A receiver recomputes the HMAC over the raw request body (before any JSON
// parsing) with the webhook's secret, compares in constant time, and refuses
// timestamps too far from its clock, so a captured request cannot be replayed
// later. The header may carry several `v1=` values (comma-separated); any one
// matching is enough. This file has no Portico imports, so receivers written
// in TypeScript can copy it as is.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_VERSION = "v1";
/** How far a timestamp may be from the receiver's clock (5 minutes, like Stripe and Slack). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function computeWebhookSignature(secret: string, timestamp: number | string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/** The Portico-Signature header value for one attempt. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `${SIGNATURE_VERSION}=${computeWebhookSignature(secret, timestamp, body)}`;
}

export interface VerifyInput {
  secret: string;
  /** The raw request body, exactly as received. */
  body: string;
  /** The Portico-Timestamp header. */
  timestamp: string | null | undefined;
  /** The Portico-Signature header. */
  signature: string | null | undefined;
  toleranceSeconds?: number;
  /** The receiver's clock, in milliseconds (for tests). */
  now?: number;
}

/** True when the signature matches the body and the timestamp is recent. */
export function verifyWebhookSignature(input: VerifyInput): boolean {
  const { secret, body, timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const age = Math.abs((input.now ?? Date.now()) / 1000 - Number(timestamp));
  if (age > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(computeWebhookSignature(secret, timestamp, body), "hex");
  return signature
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${SIGNATURE_VERSION}=`))
    .some((part) => {
      const given = Buffer.from(part.slice(SIGNATURE_VERSION.length + 1), "hex");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

/** The receiver example shown on the webhooks page. */
export const VERIFY_EXAMPLE = `import { createHmac, timingSafeEqual } from "node:crypto";

// rawBody: the request body as a string, before JSON parsing.
function verify(rawBody, headers, secret) {
  const timestamp = headers["portico-timestamp"];
  const signatures = (headers["portico-signature"] ?? "").split(",").map((s) => s.trim());
  if (!/^\\d+$/.test(timestamp ?? "") || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac("sha256", secret).update(\`\${timestamp}.\${rawBody}\`).digest();
  return signatures.some((s) => {
    const given = Buffer.from(s.replace(/^v1=/, ""), "hex");
    return s.startsWith("v1=") && given.length === expected.length && timingSafeEqual(given, expected);
  });
}`;
