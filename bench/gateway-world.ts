// The control-plane rows of bench/gateway.ts, made through the domain
// functions as a user would make them (the integration fixtures cannot be
// imported outside Vitest). Run as a child with DATABASE_URL set to the
// throwaway database; prints one JSON line (a BenchWorld) and exits, which
// also closes its database connections before the database is dropped.
//
// - "bench-keyed": 1.5.0 DEPRECATED with a sunset and 2.0.0 as its
//   replacement (so the gateway sends Deprecation, Sunset and Link), a plan
//   far above what the run can reach (the limiter counts every request but
//   never refuses), a consumer application with an ACTIVE subscription and a
//   key.
// - "bench-bare": PUBLIC and keyless, 1.0.0 PUBLISHED: the bare-proxy path.
import { randomUUID } from "node:crypto";
import type { Actor } from "@/lib/authz/actor";
import type { LifecycleState } from "@/lib/generated/prisma/enums";
import { db } from "@/lib/db";
import { signUp } from "@/lib/users/sign-up";
import { createTeam } from "@/lib/teams/teams";
import { storeVersion } from "@/lib/catalog/versions";
import { buildSpec } from "@/lib/demo/spec-generator";
import { createPlan } from "@/lib/plans/plans";
import { createApplication } from "@/lib/applications/applications";
import { requestAccess } from "@/lib/subscriptions/requests";
import { createKey } from "@/lib/keys/keys";

export interface BenchWorld {
  keyedSlug: string;
  bareSlug: string;
  key: string;
  subscriptionId: string;
}

const DAY = 86_400_000;

async function person(name: string): Promise<Actor> {
  const user = await signUp({ name, email: `${name.toLowerCase().replace(/\W+/g, "-")}-${randomUUID().slice(0, 8)}@bench.test`, password: randomUUID() }, null);
  return { userId: user.id, email: user.email, name: user.name, platformRole: user.platformRole, requestId: `bench-${randomUUID()}`, via: "session" };
}

async function makeApi(teamId: string, slug: string, upstreamUrl: string, keyless: boolean, versions: { version: string; state: LifecycleState; sunsetAt?: Date; replacement?: string }[]) {
  return db.$transaction(async (tx) => {
    const api = await tx.api.create({ data: { teamId, slug, name: `Bench ${slug}`, visibility: "PUBLIC", keyless } });
    const ids: Record<string, string> = {};
    for (const spec of versions) {
      const document = buildSpec({ title: `Bench ${slug}`, version: spec.version, description: "Gateway benchmark", serverUrl: upstreamUrl, resources: ["items"] });
      const created = await storeVersion(tx, {
        apiId: api.id,
        version: spec.version,
        document,
        sourceText: JSON.stringify(document),
        sourceFormat: "json",
        state: spec.state,
        upstreamUrl,
        publishedAt: new Date(Date.now() - 200 * DAY),
        deprecatedAt: spec.state === "DEPRECATED" ? new Date(Date.now() - DAY) : null,
        sunsetAt: spec.sunsetAt ?? null,
      });
      ids[spec.version] = created.id;
    }
    for (const spec of versions) {
      if (spec.replacement) await tx.apiVersion.update({ where: { id: ids[spec.version] }, data: { replacementId: ids[spec.replacement] } });
    }
    return api;
  });
}

async function main() {
  const upstreamUrl = process.argv[2];
  if (!upstreamUrl) throw new Error("usage: gateway-world.ts <upstream url>");
  const providerOwner = await person("Bench Provider");
  const consumerOwner = await person("Bench Consumer");
  const provider = await createTeam(providerOwner, { slug: "bench-provider", name: "Bench provider" });
  const consumer = await createTeam(consumerOwner, { slug: "bench-consumer", name: "Bench consumer" });

  const keyedSlug = "bench-keyed";
  await makeApi(provider.id, keyedSlug, upstreamUrl, false, [
    { version: "1.5.0", state: "DEPRECATED", sunsetAt: new Date(Date.now() + 90 * DAY), replacement: "2.0.0" },
    { version: "2.0.0", state: "PUBLISHED" },
  ]);
  const bareSlug = "bench-bare";
  await makeApi(provider.id, bareSlug, upstreamUrl, true, [{ version: "1.0.0", state: "PUBLISHED" }]);

  // The schema's largest limits: 1,000,000 a minute is ~16,700 requests/s,
  // well above what two shared cores push through the gateway.
  const plan = await createPlan(providerOwner, keyedSlug, { name: "Bench unlimited", requiresApproval: false, rateLimitPerMinute: 1_000_000, monthlyQuota: 1_000_000_000_000 });
  const application = await createApplication(consumerOwner, { team: consumer.slug, name: "Bench client" });
  const subscription = await requestAccess(consumerOwner, keyedSlug, { applicationId: application.id, planId: plan.id, justification: "Gateway benchmark traffic." });
  if (subscription.status !== "ACTIVE") throw new Error(`the bench subscription is ${subscription.status}, not ACTIVE`);
  const { secret } = await createKey(consumerOwner, application.id, { name: "bench", expiresInDays: 1 });
  const world: BenchWorld = { keyedSlug, bareSlug, key: secret, subscriptionId: subscription.id };
  process.stdout.write(`${JSON.stringify(world)}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
