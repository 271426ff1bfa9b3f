// The API key format: `ptk_` + 43 base62 characters of randomness + a
// 6-character base62 CRC32 of those 43 (GitHub's token layout). The prefix
// lets secret scanners recognise a leaked key; the checksum lets the gateway
// reject a mistyped or made-up key before it costs a database lookup.
import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

export const KEY_PREFIX = "ptk_";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_BYTES = 32;
// 62^43 > 2^256 and 62^6 > 2^32: fixed widths, so every key has the same length.
const RANDOM_LENGTH = 43;
const CHECKSUM_LENGTH = 6;

export const KEY_LENGTH = KEY_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
/** What is stored and shown to identify a key: enough to tell keys apart, far too little to guess one. */
export const DISPLAY_PREFIX_LENGTH = 12;
/** Finds keys in text (logs, commits, chat) for leak scanning; confirm each hit with hasValidChecksum. */
export const KEY_PATTERN = new RegExp(`\\b${KEY_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}\\b`, "g");

const BODY = new RegExp(`^[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

function toBase62(value: bigint, width: number): string {
  let digits = "";
  let rest = value;
  while (rest > BigInt(0)) {
    digits = ALPHABET[Number(rest % BigInt(62))] + digits;
    rest /= BigInt(62);
  }
  return digits.padStart(width, ALPHABET[0]);
}

// Run by the gateway on every request: a CRC32 fits a Number, so this does
// without the BigInt arithmetic of toBase62, which cost more than the rest
// of the check.
function checksumOf(random: string): string {
  let rest = crc32(random);
  let digits = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    digits = ALPHABET[rest % 62] + digits;
    rest = Math.floor(rest / 62);
  }
  return digits;
}

/** A new key. Show it to its owner once; store only hashSecret(key) and displayPrefix(key). */
export function generateKey(): string {
  const random = toBase62(BigInt(`0x${randomBytes(RANDOM_BYTES).toString("hex")}`), RANDOM_LENGTH);
  return `${KEY_PREFIX}${random}${checksumOf(random)}`;
}

/** Is this shaped like a Portico key with a matching checksum? Says nothing about whether it exists. */
export function hasValidChecksum(candidate: string): boolean {
  if (candidate.length !== KEY_LENGTH || !candidate.startsWith(KEY_PREFIX)) return false;
  const body = candidate.slice(KEY_PREFIX.length);
  if (!BODY.test(body)) return false;
  return body.slice(RANDOM_LENGTH) === checksumOf(body.slice(0, RANDOM_LENGTH));
}

export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}
