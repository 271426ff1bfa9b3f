import { describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
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
  it("name a viewer instead of an application for a keyless API, never both and never neither", () => {
    const viewer = { viewerId: "user_1", apiId: "api_1" };
    expect(verifyTryItToken(signTryItToken(viewer, "s3cret", 1_000), "s3cret", 2_000)).toMatchObject(viewer);
    // Signed correctly but malformed: what a bug in Portico could send.
    const signed = (payload: object) => {
      const body = Buffer.from(JSON.stringify({ ...payload, expiresAt: 9e15 })).toString("base64url");
      return `${body}.${createHmac("sha256", "portico-try-it:s3cret").update(body).digest("base64url")}`;
    };
    expect(verifyTryItToken(signed({ apiId: "api_1", applicationId: "app_1" }), "s3cret", 2_000)).toMatchObject({ applicationId: "app_1" });
    expect(verifyTryItToken(signed({ apiId: "api_1", applicationId: "app_1", viewerId: "user_1" }), "s3cret", 2_000)).toBeNull();
    expect(verifyTryItToken(signed({ apiId: "api_1" }), "s3cret", 2_000)).toBeNull();
  });
});
