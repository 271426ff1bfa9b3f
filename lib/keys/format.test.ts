import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DISPLAY_PREFIX_LENGTH, KEY_LENGTH, KEY_PATTERN, KEY_PREFIX, displayPrefix, generateKey, hasValidChecksum } from "./format";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** The checksum written out independently of the module: CRC32 of the random part, 6 base62 digits. */
function expectedChecksum(random: string): string {
  let value = crc32(random);
  let digits = "";
  for (let i = 0; i < 6; i += 1) {
    digits = BASE62[value % 62] + digits;
    value = Math.floor(value / 62);
  }
  return digits;
}

/** The key with one character of its body replaced by another base62 character. */
function withCharacterChanged(key: string, index: number): string {
  const current = key[index];
  const replacement = BASE62[(BASE62.indexOf(current) + 1) % BASE62.length];
  return key.slice(0, index) + replacement + key.slice(index + 1);
}

describe("generateKey", () => {
  it("is ptk_ + 43 base62 characters + their 6-character base62 CRC32", () => {
    const key = generateKey();
    expect(key).toMatch(/^ptk_[0-9A-Za-z]{49}$/);
    expect(key.length).toBe(KEY_LENGTH);
    expect(KEY_LENGTH).toBe(53);
    const random = key.slice(4, 47);
    expect(key.slice(47)).toBe(expectedChecksum(random));
  });

  it("carries 256 random bits: no two of many keys share their random part or even their display prefix", () => {
    const keys = Array.from({ length: 2000 }, generateKey);
    expect(new Set(keys.map((key) => key.slice(4, 47))).size).toBe(keys.length);
    expect(new Set(keys.map(displayPrefix)).size).toBe(keys.length);
    // Every base62 character turns up: the encoding uses the whole alphabet.
    expect(new Set(keys.map((key) => key.slice(4)).join("")).size).toBe(62);
  });

  it("has a valid checksum, always", () => {
    for (let i = 0; i < 500; i += 1) expect(hasValidChecksum(generateKey())).toBe(true);
  });
});

describe("hasValidChecksum", () => {
  const key = generateKey();

  it("rejects a key with any single character of its random part or checksum changed", () => {
    for (let index = KEY_PREFIX.length; index < KEY_LENGTH; index += 1) {
      expect(hasValidChecksum(withCharacterChanged(key, index)), `changed at ${index}`).toBe(false);
    }
  });

  it("rejects two neighbouring characters swapped (the commonest typo)", () => {
    let tested = 0;
    for (let index = KEY_PREFIX.length; index < KEY_LENGTH - 1; index += 1) {
      if (key[index] === key[index + 1]) continue;
      const swapped = key.slice(0, index) + key[index + 1] + key[index] + key.slice(index + 2);
      expect(hasValidChecksum(swapped), `swapped at ${index}`).toBe(false);
      tested += 1;
    }
    expect(tested).toBeGreaterThan(40);
  });

  it.each([
    ["empty", ""],
    ["the prefix alone", "ptk_"],
    ["one character short", key.slice(0, -1)],
    ["one character long", `${key}0`],
    ["another prefix", `ptc_${key.slice(4)}`],
    ["upper-case prefix", `PTK_${key.slice(4)}`],
    ["surrounding whitespace", ` ${key.slice(0, -1)}`],
    ["a non-base62 character", `${key.slice(0, 20)}-${key.slice(21)}`],
    ["a personal access token", "ptc_pat_" + "A".repeat(43)],
  ])("rejects %s", (_label, candidate) => {
    expect(hasValidChecksum(candidate)).toBe(false);
  });

  it("accepts a key whose random part is all zeros when its checksum matches (leading zeros are kept)", () => {
    const random = "0".repeat(43);
    expect(hasValidChecksum(`ptk_${random}${expectedChecksum(random)}`)).toBe(true);
    expect(hasValidChecksum(`ptk_${random}${expectedChecksum(`${random}x`)}`)).toBe(false);
  });
});

describe("displayPrefix and KEY_PATTERN", () => {
  it("shows the first 12 characters: the prefix and 8 random ones", () => {
    const key = generateKey();
    expect(displayPrefix(key)).toBe(key.slice(0, 12));
    expect(DISPLAY_PREFIX_LENGTH).toBe(12);
  });

  it("finds keys in surrounding text, and nothing that is merely similar", () => {
    const one = generateKey();
    const two = generateKey();
    const text = `export PORTICO_KEY=${one}\ncurl -H "X-Api-Key: ${two}" https://x\nptk_short and ptc_pat_${"a".repeat(43)}`;
    expect(text.match(KEY_PATTERN)).toEqual([one, two]);
  });
});
