// Starts one gateway process: the config cache, Redis-backed limits and
// cache, the usage recorder, and the HTTP server. Stateless: any number can
// run side by side against the same PostgreSQL and Redis.
import { createServer, type Server } from "node:http";
import { hostname } from "node:os";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { utcTypes } from "@/lib/pg-types";
import { tryItSecret } from "@/lib/gateway/try-it-token";
import { ConfigStore } from "./config";
import { createHandler } from "./handler";
import { createMetrics } from "./metrics";
import { createUpstreamAgent } from "./proxy";
import { createUsageRecorder, usageSinkFor } from "./usage";
import { createRedis } from "./redis";
import { createLimiter } from "./limits";
import { createResponseCache } from "./cache";

export interface GatewaySettings {
  port: number;
  host?: string;
  databaseUrl: string;
  /** null: no Redis, limits are per process (development only). */
  redisUrl: string | null;
  id?: string;
  maxBodyBytes?: number;
  upstreamTimeoutMs?: number;
  /** Off only for the benchmark's bare-proxy baseline. */
  limits?: boolean;
  usage?: boolean;
  keylessRateLimitPerMinute?: number;
  fullRefreshMs?: number;
  usageFlushMs?: number;
  log?: (message: string) => void;
}

export interface RunningGateway {
  port: number;
  server: Server;
  config: ConfigStore;
  close(): Promise<void>;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): GatewaySettings {
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) throw new Error("DATABASE_URL is not set: the gateway reads its config from Portico's database.");
  return {
    port: Number(env.GATEWAY_PORT ?? 8080),
    host: env.GATEWAY_HOST,
    databaseUrl,
    redisUrl: env.REDIS_URL ?? null,
    id: env.GATEWAY_ID,
    maxBodyBytes: env.GATEWAY_MAX_BODY_BYTES ? Number(env.GATEWAY_MAX_BODY_BYTES) : undefined,
    upstreamTimeoutMs: env.GATEWAY_UPSTREAM_TIMEOUT_MS ? Number(env.GATEWAY_UPSTREAM_TIMEOUT_MS) : undefined,
    limits: env.GATEWAY_LIMITS !== "off",
    usage: env.GATEWAY_USAGE !== "off",
    keylessRateLimitPerMinute: env.GATEWAY_KEYLESS_RATE_LIMIT ? Number(env.GATEWAY_KEYLESS_RATE_LIMIT) : undefined,
    usageFlushMs: env.GATEWAY_USAGE_FLUSH_MS ? Number(env.GATEWAY_USAGE_FLUSH_MS) : undefined,
    fullRefreshMs: env.GATEWAY_FULL_REFRESH_MS ? Number(env.GATEWAY_FULL_REFRESH_MS) : undefined,
  };
}

export async function startGateway(settings: GatewaySettings): Promise<RunningGateway> {
  const log = settings.log ?? ((message: string) => console.log(message));
  const id = settings.id ?? `${hostname()}:${process.pid}:${settings.port}`;
  const metrics = createMetrics();
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 4, types: utcTypes });
  pool.on("error", (error) => log(`[gateway] database pool: ${error.message}`));
  const config = new ConfigStore(pool, { connectionString: settings.databaseUrl, fullRefreshMs: settings.fullRefreshMs, log, onReload: (kind) => metrics.configReloads.inc({ kind }) });
  await config.start();
  const redis = createRedis(settings.redisUrl ?? undefined, log);
  const limiter =
    settings.limits === false
      ? null
      : createLimiter({
          redis,
          onDegradedChange: (degraded) => {
            metrics.limiterDegraded.set(degraded ? 1 : 0);
            log(degraded ? "[gateway] Redis unreachable: limits now counted per process (degraded)" : "[gateway] Redis is back: limits shared again");
          },
        });
  // Its own connection: a large cached body must not delay the limiter's replies on the same socket.
  const cacheRedis = createRedis(settings.redisUrl ?? undefined, log);
  const cache = createResponseCache({ redis: cacheRedis });
  const usage =
    settings.usage === false
      ? null
      : createUsageRecorder({ sink: await usageSinkFor(pool), flushMs: settings.usageFlushMs, onDropped: (count) => metrics.usageDropped.inc(count), onError: (error) => log(`[gateway] usage write failed, will retry: ${error.message}`) });
  const agent = createUpstreamAgent({ timeoutMs: settings.upstreamTimeoutMs ?? 30_000 });
  const handle = createHandler({
    id,
    config,
    agent,
    limiter,
    cache,
    usage,
    metrics,
    maxBodyBytes: settings.maxBodyBytes ?? 10 * 1024 * 1024,
    keylessLimits: { rateLimitPerMinute: settings.keylessRateLimitPerMinute ?? 600, monthlyQuota: null },
    tryItSecret: tryItSecret(),
  });

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/health") {
      const degraded = limiter?.degraded ?? false;
      const body = JSON.stringify({ status: degraded ? "degraded" : "ok", gateway: id, limiter: limiter ? limiter.store : "off", redis: settings.redisUrl ? "configured" : "not configured", config: config.stats(), usagePending: usage?.pending() ?? 0 });
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(body);
      return;
    }
    if (path === "/metrics") {
      metrics.usagePending.set(usage?.pending() ?? 0);
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        res.end(text);
      });
      return;
    }
    // The handler has answered (a 500 with the request id) before this sees the error.
    handle(req, res).catch((error: Error) => log(`[gateway] unexpected error on ${error.message}`));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host ?? "0.0.0.0", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log(`[gateway] ${id} listening on :${port}`);

  return {
    port,
    server,
    config,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await usage?.close();
      await limiter?.close();
      redis?.disconnect();
      cacheRedis?.disconnect();
      await config.close();
      await agent.close();
      await pool.end();
    },
  };
}
