// Inputs of the key and gateway-credential calls, and the choices the pages
// offer. Free of server code, so the forms can import the choices too.
import { z } from "zod";

const DAY_SECONDS = 86_400;
export const MAX_ROTATION_GRACE_SECONDS = 30 * DAY_SECONDS;

export const KEY_EXPIRY_CHOICES = [
  { value: "30", label: "in 30 days" },
  { value: "90", label: "in 90 days" },
  { value: "365", label: "in a year" },
  { value: "never", label: "never" },
] as const;

export const ROTATION_GRACE_CHOICES = [
  { seconds: 0, label: "immediately" },
  { seconds: 3_600, label: "after 1 hour" },
  { seconds: DAY_SECONDS, label: "after 24 hours" },
  { seconds: 7 * DAY_SECONDS, label: "after 7 days" },
] as const;

export const createKeyInput = z.object({
  name: z.string().trim().min(1, "Name the key after where it is used.").max(100),
  expiresInDays: z.coerce.number().int().min(1).max(366).nullable().default(90).describe("Days until the key expires; null for a key that never expires"),
});
export type CreateKeyInput = z.input<typeof createKeyInput>;

export const rotateKeyInput = z.object({
  graceSeconds: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_ROTATION_GRACE_SECONDS, "The old key may keep working for at most 30 days.")
    .default(DAY_SECONDS)
    .describe("How long the old key keeps working beside its replacement (0 = it stops now; at most 30 days)"),
});
export type RotateKeyInput = z.input<typeof rotateKeyInput>;

export const verifyKeyInput = z.object({
  key: z.string().min(1).max(200).describe("The API key the consumer sent"),
  api: z.string().min(1).max(100).describe("The API's slug"),
  version: z.string().min(1).max(100).describe('An exact version ("2.1.0") or a major selector ("v2": the newest published or deprecated 2.x)'),
});
export type VerifyKeyInput = z.input<typeof verifyKeyInput>;

export const createGatewayCredentialInput = z.object({
  name: z.string().trim().min(1, "Name the credential after the gateway that uses it.").max(100),
});
export type CreateGatewayCredentialInput = z.input<typeof createGatewayCredentialInput>;
