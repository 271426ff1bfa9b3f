import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "undici";
import type { ConfigStore } from "@/gateway/config";
import { createHandler, GatewayFailure } from "@/gateway/handler";
import { createMetrics } from "@/gateway/metrics";

// A fault inside the gateway itself (here: its config store throws), which
// no test through real configuration can provoke on purpose.
const brokenConfig = {
  apiBySlug: () => {
    throw new Error("config store exploded");
  },
} as unknown as ConfigStore;

const failures: unknown[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const handle = createHandler({
    id: "test",
    config: brokenConfig,
    agent: new Agent(),
    limiter: null,
    cache: null,
    usage: null,
    metrics: createMetrics(),
    maxBodyBytes: 1024,
    keylessLimits: { rateLimitPerMinute: null, monthlyQuota: null },
    tryItSecret: null,
  });
  server = createServer((req, res) => void handle(req, res).catch((error) => failures.push(error)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("a failure of the gateway itself", () => {
  it("answers 500 problem+json carrying the request id it kept, and hands the error on with that id", async () => {
    const response = await fetch(`${base}/payments/v1/charges`, { headers: { "x-request-id": "trace-42" } });
    expect(response.status).toBe(500);
    expect(response.headers.get("x-request-id")).toBe("trace-42");
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ type: "https://portico.dev/problems/internal", status: 500, requestId: "trace-42" });
    const failure = failures.at(-1) as GatewayFailure;
    expect(failure).toBeInstanceOf(GatewayFailure);
    expect(failure.requestId).toBe("trace-42");
    expect(failure.message).toContain("config store exploded");
  });

  it("gives a request that came without an id the one it generated, in the header and the body", async () => {
    const response = await fetch(`${base}/payments/v1/charges`);
    const id = response.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await response.json()).requestId).toBe(id);
    expect((failures.at(-1) as GatewayFailure).requestId).toBe(id);
  });
});
