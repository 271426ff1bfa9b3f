import { describe, expect, it } from "vitest";
import { signTryItToken, verifyTryItToken } from "./try-it-token";

const claims = { applicationId: "app_1", apiId: "api_1" };

describe("try-it tokens", () => {
  it("verify with the same secret before they expire", () => {
    const token = signTryItToken(claims, "s3cret", 1_000);
    expect(verifyTryItToken(token, "s3cret", 2_000)).toMatchObject(claims);
  });
  it("are refused with another secret, after expiry, or when altered", () => {
    const token = signTryItToken(claims, "s3cret", 1_000);
    expect(verifyTryItToken(token, "other", 2_000)).toBeNull();
    expect(verifyTryItToken(token, "s3cret", 1_000 + 5 * 60_000 + 1)).toBeNull();
    const [payload, signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...claims, applicationId: "app_2", expiresAt: 9e15 })).toString("base64url");
    expect(verifyTryItToken(`${forged}.${signature}`, "s3cret", 2_000)).toBeNull();
    expect(verifyTryItToken(`${payload}.${signature}.x`, "s3cret", 2_000)).toBeNull();
    expect(verifyTryItToken("garbage", "s3cret", 2_000)).toBeNull();
  });
});
