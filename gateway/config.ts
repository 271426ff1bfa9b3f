// The gateway's in-memory picture of the control plane: APIs and their
// routable versions, plans, applications, ACTIVE subscriptions and key
// hashes. Loaded whole at start, then kept fresh row by row from the
// portico_gateway NOTIFY channel (triggers in the gateway_usage migration),
// with a periodic full reload as a safety net for anything missed while the
// LISTEN connection was down. A request never waits on the database.
import { randomUUID } from "node:crypto";
import { Client, type Pool } from "pg";
import type { LifecycleState } from "@/lib/generated/prisma/enums";
import type { SelectableVersion } from "@/lib/versions/selector";
import { versionLifecycleHeaders } from "./http";
import { upstreamTarget, type UpstreamTarget } from "./proxy";

export interface GatewayVersion extends SelectableVersion {
  id: string;
  upstreamUrl: string | null;
  /** The upstream URL taken apart once when loaded (null when unset or not a usable http(s) URL), so no request parses it. */
  upstream: UpstreamTarget | null;
  deprecatedAt: Date | null;
  sunsetAt: Date | null;
  replacement: string | null;
  /** Deprecation and Sunset as a flat name/value list, computed when loaded. */
  lifecycleHeaders: string[];
}

export interface GatewayApi {
  id: string;
  slug: string;
  teamId: string;
  visibility: "PUBLIC" | "INTERNAL" | "PRIVATE";
  keyless: boolean;
  cacheEnabled: boolean;
  cacheTtlSeconds: number;
  versions: GatewayVersion[];
}

export interface GatewayPlan {
  id: string;
  rateLimitPerMinute: number | null;
  monthlyQuota: bigint | null;
}

export interface GatewayApplication {
  id: string;
  teamId: string;
  archived: boolean;
}

export interface GatewayKey {
  id: string;
  hash: string;
  applicationId: string;
  expiresAt: Date | null;
}

export interface GatewaySubscription {
  id: string;
  applicationId: string;
  apiId: string;
  planId: string;
}

const CHANNEL = "portico_gateway";

const API_SQL = `SELECT "id", "slug", "teamId", "visibility"::text AS "visibility", "keyless", "cacheEnabled", "cacheTtlSeconds" FROM "Api"`;
const VERSION_SQL = `SELECT v."id", v."apiId", v."version", v."major", v."minor", v."patch", v."prerelease", v."state"::text AS "state",
  v."upstreamUrl", v."deprecatedAt", v."sunsetAt", r."version" AS "replacement"
  FROM "ApiVersion" v LEFT JOIN "ApiVersion" r ON r."id" = v."replacementId"
  WHERE v."state" IN ('PUBLISHED', 'DEPRECATED', 'RETIRED')`;
const PLAN_SQL = `SELECT "id", "rateLimitPerMinute", "monthlyQuota"::text AS "monthlyQuota" FROM "Plan"`;
const APPLICATION_SQL = `SELECT "id", "teamId", "archivedAt" IS NOT NULL AS "archived" FROM "Application"`;
// Only keys that can still authenticate: a revoked key is simply absent.
const KEY_SQL = `SELECT "id", "keyHash" AS "hash", "applicationId", "expiresAt" FROM "ApiKey" WHERE "revokedAt" IS NULL`;
const SUBSCRIPTION_SQL = `SELECT "id", "applicationId", "apiId", "planId" FROM "Subscription" WHERE "status" = 'ACTIVE'`;

interface VersionRow extends Omit<GatewayVersion, "state"> {
  apiId: string;
  state: LifecycleState;
}

type ApiRow = Omit<GatewayApi, "versions">;

export interface ConfigStats {
  apis: number;
  keys: number;
  subscriptions: number;
  lastFullLoadAt: Date | null;
  /** True while changes arrive by NOTIFY; false while the gateway polls with full reloads instead. */
  listening: boolean;
}

// How long the LISTEN connection's own test notification may take to arrive.
const PROBE_TIMEOUT_MS = 2_000;

export class ConfigStore {
  private apisBySlug = new Map<string, GatewayApi>();
  private apisById = new Map<string, GatewayApi>();
  private versionApi = new Map<string, string>();
  private plans = new Map<string, GatewayPlan>();
  private applications = new Map<string, GatewayApplication>();
  private keysByHash = new Map<string, GatewayKey>();
  private keyHashById = new Map<string, string>();
  private subscriptions = new Map<string, GatewaySubscription>();
  private subscriptionKeyById = new Map<string, string>();
  private listener: Client | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private lastFullLoadAt: Date | null = null;
  /** Whether notifications were seen to arrive on the LISTEN connection; until then the gateway polls. */
  private notificationsArrive = false;
  private warnedDeaf = false;
  private probe: { payload: string; arrived: () => void } | null = null;
  /** Changes are applied one at a time, in the order they were announced. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly options: {
      connectionString: string;
      fullRefreshMs?: number;
      /** The full reload's period while notifications do not arrive. */
      deafRefreshMs?: number;
      log?: (message: string) => void;
      onReload?: (kind: string) => void;
    },
  ) {}

  async start(): Promise<void> {
    await this.listen();
    await this.loadAll();
    this.scheduleFullReloads();
  }

  /**
   * The safety net of full reloads: every minute while notifications arrive,
   * every second while they do not, so that a revoked key still stops
   * working within about a second.
   */
  private scheduleFullReloads() {
    if (this.closed) return;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    const period = this.notificationsArrive ? (this.options.fullRefreshMs ?? 60_000) : (this.options.deafRefreshMs ?? 1_000);
    this.refreshTimer = setInterval(() => this.enqueue(() => this.loadAll(), "full"), period);
    this.refreshTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.listener?.end().catch(() => undefined);
    await this.queue.catch(() => undefined);
  }

  apiBySlug(slug: string): GatewayApi | undefined {
    return this.apisBySlug.get(slug);
  }

  keyByHash(hash: string): GatewayKey | undefined {
    return this.keysByHash.get(hash);
  }

  application(id: string): GatewayApplication | undefined {
    return this.applications.get(id);
  }

  subscription(applicationId: string, apiId: string): GatewaySubscription | undefined {
    return this.subscriptions.get(`${applicationId}:${apiId}`);
  }

  plan(id: string): GatewayPlan | undefined {
    return this.plans.get(id);
  }

  stats(): ConfigStats {
    return { apis: this.apisById.size, keys: this.keysByHash.size, subscriptions: this.subscriptions.size, lastFullLoadAt: this.lastFullLoadAt, listening: this.listener != null && this.notificationsArrive };
  }

  /** Resolves once every change announced so far has been applied (for tests and shutdown). */
  settled(): Promise<void> {
    return this.queue;
  }

  private enqueue(task: () => Promise<void>, kind: string) {
    this.queue = this.queue.then(task).then(
      () => this.options.onReload?.(kind),
      (error: Error) => this.options.log?.(`[gateway] config reload (${kind}) failed: ${error.message}`),
    );
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.connectionString });
    client.on("notification", (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      if (this.probe && message.payload === this.probe.payload) return this.probe.arrived();
      const { table, id } = JSON.parse(message.payload) as { table?: string; id?: string };
      if (!table || !id) return;
      this.enqueue(() => this.reload(table, id), table);
    });
    client.on("error", (error) => this.options.log?.(`[gateway] config listener: ${error.message}`));
    client.on("end", () => {
      if (this.listener === client) this.listener = null;
      // Deaf until the reconnected listener has passed its test: poll meanwhile.
      if (this.notificationsArrive) {
        this.notificationsArrive = false;
        this.scheduleFullReloads();
      }
      if (!this.closed) this.scheduleReconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.listener = client;
      // Not awaited: until the test notification arrives the gateway polls
      // every second, so a deaf connection costs no start-up time.
      void this.checkNotificationsArrive();
    } catch (error) {
      this.options.log?.(`[gateway] cannot LISTEN for config changes (${(error as Error).message}); retrying, full reloads continue`);
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  /**
   * Sends a test notification from another connection and waits for it. A
   * connection pooler in transaction mode (PgBouncer) or the embedded
   * database accepts LISTEN but never delivers: the gateway then polls.
   */
  private async checkNotificationsArrive(): Promise<void> {
    const payload = JSON.stringify({ probe: randomUUID() });
    const arrived = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
      this.probe = {
        payload,
        arrived: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      this.pool.query(`SELECT pg_notify($1, $2)`, [CHANNEL, payload]).catch(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    this.probe = null;
    if (this.closed) return;
    // Said once a run: the gateway starts out polling, so a deaf connection changes nothing but this line.
    if (!arrived && !this.warnedDeaf) {
      this.warnedDeaf = true;
      this.options.log?.(`[gateway] config changes are not notified on this database connection (LISTEN delivers nothing: a pooler in transaction mode, or the embedded database); reloading everything every ${((this.options.deafRefreshMs ?? 1_000) / 1000).toString()} s instead`);
    }
    if (arrived === this.notificationsArrive) return;
    this.notificationsArrive = arrived;
    // start() schedules the first round itself if it has not yet.
    if (this.refreshTimer) this.scheduleFullReloads();
  }

  private scheduleReconnect() {
    if (this.reconnectTimer || this.closed) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      // Whatever changed while deaf is caught by reloading everything once listening again.
      void this.listen().then(() => (this.listener ? this.enqueue(() => this.loadAll(), "full") : undefined));
    }, 1_000);
    this.reconnectTimer.unref();
  }

  private async loadAll(): Promise<void> {
    const [apis, versions, plans, applications, keys, subscriptions] = await Promise.all([
      this.pool.query<ApiRow>(API_SQL),
      this.pool.query<VersionRow>(VERSION_SQL),
      this.pool.query<{ id: string; rateLimitPerMinute: number | null; monthlyQuota: string | null }>(PLAN_SQL),
      this.pool.query<GatewayApplication>(APPLICATION_SQL),
      this.pool.query<GatewayKey>(KEY_SQL),
      this.pool.query<GatewaySubscription>(SUBSCRIPTION_SQL),
    ]);
    const apisBySlug = new Map<string, GatewayApi>();
    const apisById = new Map<string, GatewayApi>();
    for (const row of apis.rows) {
      const api = { ...row, versions: [] };
      apisBySlug.set(api.slug, api);
      apisById.set(api.id, api);
    }
    const versionApi = new Map<string, string>();
    for (const row of versions.rows) {
      apisById.get(row.apiId)?.versions.push(withoutApiId(row));
      versionApi.set(row.id, row.apiId);
    }
    this.apisBySlug = apisBySlug;
    this.apisById = apisById;
    this.versionApi = versionApi;
    this.plans = new Map(plans.rows.map((p) => [p.id, toPlan(p)]));
    this.applications = new Map(applications.rows.map((a) => [a.id, a]));
    this.keysByHash = new Map(keys.rows.map((k) => [k.hash, k]));
    this.keyHashById = new Map(keys.rows.map((k) => [k.id, k.hash]));
    this.subscriptions = new Map(subscriptions.rows.map((s) => [`${s.applicationId}:${s.apiId}`, s]));
    this.subscriptionKeyById = new Map(subscriptions.rows.map((s) => [s.id, `${s.applicationId}:${s.apiId}`]));
    this.lastFullLoadAt = new Date();
  }

  /** Applies one announced change: re-reads that row (absent = deleted or no longer routable). */
  private async reload(table: string, id: string): Promise<void> {
    switch (table) {
      case "Api":
        return this.reloadApi(id);
      case "ApiVersion": {
        const apiId = this.versionApi.get(id) ?? (await this.pool.query<{ apiId: string }>(`SELECT "apiId" FROM "ApiVersion" WHERE "id" = $1`, [id])).rows[0]?.apiId;
        if (apiId) await this.reloadApi(apiId);
        return;
      }
      case "Plan": {
        const { rows } = await this.pool.query(`${PLAN_SQL} WHERE "id" = $1`, [id]);
        if (rows[0]) this.plans.set(id, toPlan(rows[0]));
        else this.plans.delete(id);
        return;
      }
      case "Application": {
        const { rows } = await this.pool.query<GatewayApplication>(`${APPLICATION_SQL} WHERE "id" = $1`, [id]);
        if (rows[0]) this.applications.set(id, rows[0]);
        else this.applications.delete(id);
        return;
      }
      case "ApiKey": {
        const previous = this.keyHashById.get(id);
        if (previous) this.keysByHash.delete(previous);
        this.keyHashById.delete(id);
        const { rows } = await this.pool.query<GatewayKey>(`${KEY_SQL} AND "id" = $1`, [id]);
        if (rows[0]) {
          this.keysByHash.set(rows[0].hash, rows[0]);
          this.keyHashById.set(id, rows[0].hash);
        }
        return;
      }
      case "Subscription": {
        const previous = this.subscriptionKeyById.get(id);
        if (previous && this.subscriptions.get(previous)?.id === id) this.subscriptions.delete(previous);
        this.subscriptionKeyById.delete(id);
        const { rows } = await this.pool.query<GatewaySubscription>(`${SUBSCRIPTION_SQL} AND "id" = $1`, [id]);
        if (rows[0]) {
          const key = `${rows[0].applicationId}:${rows[0].apiId}`;
          this.subscriptions.set(key, rows[0]);
          this.subscriptionKeyById.set(id, key);
        }
        return;
      }
    }
  }

  private async reloadApi(id: string): Promise<void> {
    const [api, versions] = await Promise.all([
      this.pool.query<ApiRow>(`${API_SQL} WHERE "id" = $1`, [id]),
      this.pool.query<VersionRow>(`${VERSION_SQL} AND v."apiId" = $1`, [id]),
    ]);
    const previous = this.apisById.get(id);
    if (previous) {
      this.apisBySlug.delete(previous.slug);
      for (const version of previous.versions) this.versionApi.delete(version.id);
    }
    const row = api.rows[0];
    if (!row) {
      this.apisById.delete(id);
      return;
    }
    const fresh: GatewayApi = { ...row, versions: versions.rows.map(withoutApiId) };
    for (const version of fresh.versions) this.versionApi.set(version.id, id);
    this.apisById.set(id, fresh);
    this.apisBySlug.set(fresh.slug, fresh);
  }
}

function withoutApiId(row: VersionRow): GatewayVersion {
  return {
    id: row.id,
    version: row.version,
    major: row.major,
    minor: row.minor,
    patch: row.patch,
    prerelease: row.prerelease,
    state: row.state,
    upstreamUrl: row.upstreamUrl,
    upstream: row.upstreamUrl ? upstreamTarget(row.upstreamUrl) : null,
    deprecatedAt: row.deprecatedAt,
    sunsetAt: row.sunsetAt,
    replacement: row.replacement,
    lifecycleHeaders: versionLifecycleHeaders(row),
  };
}

function toPlan(row: { id: string; rateLimitPerMinute: number | null; monthlyQuota: string | null }): GatewayPlan {
  return { id: row.id, rateLimitPerMinute: row.rateLimitPerMinute, monthlyQuota: row.monthlyQuota == null ? null : BigInt(row.monthlyQuota) };
}
