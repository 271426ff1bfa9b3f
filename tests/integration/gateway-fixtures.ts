// Shared by the gateway-*.test.ts files: real upstream HTTP servers, real
// gateway processes (spawned with tsx, each with its own connections), a
// redis-server of the test's own, and the control-plane rows a consumer
// needs (API versions in every state, plan, application, subscription, key)
// made through the domain functions.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { createApplication } from "@/lib/applications/applications";
import { createPlan } from "@/lib/plans/plans";
import { requestAccess } from "@/lib/subscriptions/requests";
import { createKey } from "@/lib/keys/keys";
import { REPO_ROOT } from "./database";
import { db, makeTeam, type TestTeam } from "./helpers";
import { makeApi } from "./access-fixtures";
import { GATEWAY_NODE_FLAGS } from "@/gateway/node-flags";
import { freePort } from "@/lib/net/free-port";


export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export interface Upstream {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** An upstream that records what reached it; `respond` decides the answer (default: 200 JSON echo). */
export async function startUpstream(respond?: (req: IncomingMessage, res: ServerResponse, body: Buffer, count: number) => void): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      if (respond) return respond(req, res, body, seen.length);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, n: seen.length, path: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}


export interface GatewayProcess {
  url: string;
  port: number;
  output: () => string;
  stop(): Promise<void>;
}

const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

/** A real gateway process on a free port, ready when its health endpoint answers. */
export async function spawnGateway(env: Record<string, string | undefined> = {}): Promise<GatewayProcess> {
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [tsxCli, ...GATEWAY_NODE_FLAGS, "gateway/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, GATEWAY_PORT: String(port), GATEWAY_HOST: "127.0.0.1", REDIS_URL: "redis://127.0.0.1:6379", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited: ${output}`);
    const ready = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`gateway did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

export interface RedisProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A redis-server of the test's own on a spare port (the machine's shared one is never touched). */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const deadline = Date.now() + 5_000;
    for (;;) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = connect(port, "127.0.0.1");
        socket.once("connect", () => (socket.end(), resolve(true)));
        socket.once("error", () => resolve(false));
      });
      if (up) return;
      if (Date.now() > deadline) throw new Error("redis-server did not start");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop: async () => {
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGKILL");
      await exited;
    },
  };
}

export interface World {
  provider: TestTeam;
  consumer: TestTeam;
  apiId: string;
  slug: string;
  versionIds: Record<string, string>;
  applicationId: string;
  subscriptionId: string;
  key: string;
  keyId: string;
}

let worldSequence = 0;

/**
 * An API with 1.0.0 retired, 1.5.0 deprecated (sunset in 40 days, replaced
 * by 2.1.0), 2.0.0 and 2.1.0 published, all pointing at `upstreamUrl`; a plan
 * of `rateLimitPerMinute`; a consumer application with an ACTIVE
 * subscription and one key.
 */
export async function makeWorld(upstreamUrl: string, options: { rateLimitPerMinute?: number | null; monthlyQuota?: number | null; cacheEnabled?: boolean } = {}): Promise<World> {
  worldSequence += 1;
  const provider = await makeTeam({ slug: `gw-provider-${worldSequence}-${Date.now().toString(36)}` });
  const consumer = await makeTeam({ slug: `gw-consumer-${worldSequence}-${Date.now().toString(36)}` });
  const slug = `gw-api-${worldSequence}-${Date.now().toString(36)}`;
  const api = await makeApi(provider.team.id, slug, [
    { version: "1.0.0", state: "RETIRED", replacement: "2.1.0" },
    { version: "1.5.0", state: "DEPRECATED", sunsetAt: new Date(Date.now() + 40 * 86_400_000), replacement: "2.1.0" },
    { version: "2.0.0", state: "PUBLISHED" },
    { version: "2.1.0", state: "PUBLISHED" },
  ]);
  await db.apiVersion.updateMany({ where: { apiId: api.id }, data: { upstreamUrl } });
  if (options.cacheEnabled) await db.api.update({ where: { id: api.id }, data: { cacheEnabled: true, cacheTtlSeconds: 60 } });
  const plan = await createPlan(provider.members.ADMIN.actor, slug, {
    name: "Metered",
    requiresApproval: false,
    rateLimitPerMinute: options.rateLimitPerMinute === undefined ? 1_000 : options.rateLimitPerMinute,
    monthlyQuota: options.monthlyQuota ?? null,
  });
  const application = await createApplication(consumer.members.DEVELOPER.actor, { team: consumer.team.slug, name: "Checkout" });
  const subscription = await requestAccess(consumer.members.DEVELOPER.actor, slug, { applicationId: application.id, planId: plan.id, justification: "Gateway tests need traffic." });
  const { key, secret } = await createKey(consumer.members.DEVELOPER.actor, application.id, { name: "tests", expiresInDays: 30 });
  return { provider, consumer, apiId: api.id, slug, versionIds: api.ids, applicationId: application.id, subscriptionId: subscription.id, key: secret, keyId: key.id };
}

/** A second application of the consumer team with its own subscription and key (for cache isolation). */
export async function secondConsumer(world: World) {
  const plan = await db.plan.findFirstOrThrow({ where: { apiId: world.apiId } });
  const application = await createApplication(world.consumer.members.DEVELOPER.actor, { team: world.consumer.team.slug, name: "Reporting" });
  await requestAccess(world.consumer.members.DEVELOPER.actor, world.slug, { applicationId: application.id, planId: plan.id, justification: "A second consumer for the cache." });
  const { secret } = await createKey(world.consumer.members.DEVELOPER.actor, application.id, { name: "tests", expiresInDays: 30 });
  return { applicationId: application.id, key: secret };
}

/** Polls until `check` passes or the time is up; answers how long it took. */
export async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
