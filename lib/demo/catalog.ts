// The demo organisation's API catalog: a few dozen APIs of several teams, each
// with versions in every lifecycle state, so the catalog looks lived-in.
import type { LifecycleState, Visibility } from "@/lib/generated/prisma/enums";
import { db } from "@/lib/db";
import { appUrl } from "@/lib/config";
import { recordAudit } from "@/lib/audit/record";
import { storeVersion } from "@/lib/catalog/versions";
import { buildSpec } from "./spec-generator";
import { porticoOpenApiDocument } from "@/lib/rest/openapi";
import type { OpenApiDocument } from "@/lib/specs/operations";

interface DemoApi {
  team: string;
  slug: string;
  name: string;
  summary: string;
  tags: string[];
  category: string;
  visibility: Visibility;
  resources: string[];
  actions?: string[];
}

export const DEMO_APIS: DemoApi[] = [
  { team: "payments", slug: "payments", name: "Payments", summary: "Charge cards and wallets, capture and refund payments.", tags: ["payments", "cards", "pci"], category: "Payments", visibility: "PUBLIC", resources: ["charges", "refunds", "customers", "payment-methods"], actions: ["POST /charges/{id}/capture Capture an authorised charge", "POST /refunds/{id}/cancel Cancel a pending refund"] },
  { team: "payments", slug: "payouts", name: "Payouts", summary: "Send money to bank accounts and cards.", tags: ["payments", "banking"], category: "Payments", visibility: "INTERNAL", resources: ["payouts", "recipients", "batches"], actions: ["POST /batches/{id}/submit Submit a payout batch for approval"] },
  { team: "payments", slug: "invoicing", name: "Invoicing", summary: "Create, send and reconcile invoices.", tags: ["billing", "invoices"], category: "Billing", visibility: "PUBLIC", resources: ["invoices", "invoice-items", "credit-notes"], actions: ["POST /invoices/{id}/send Email an invoice to the customer", "POST /invoices/{id}/void Void an open invoice"] },
  { team: "payments", slug: "subscriptions-billing", name: "Subscription Billing", summary: "Recurring plans, trials, proration and dunning.", tags: ["billing", "subscriptions"], category: "Billing", visibility: "PUBLIC", resources: ["plans", "subscriptions", "coupons"], actions: ["POST /subscriptions/{id}/pause Pause collection on a subscription"] },
  { team: "payments", slug: "fraud-signals", name: "Fraud Signals", summary: "Risk scores for payments and sign-ups.", tags: ["risk", "fraud", "ml"], category: "Risk", visibility: "PRIVATE", resources: ["assessments", "rules", "reviews"], actions: ["POST /assessments/{id}/feedback Report whether a payment was fraudulent"] },
  { team: "payments", slug: "fx-rates", name: "FX Rates", summary: "Foreign exchange quotes and historical rates.", tags: ["currency", "payments"], category: "Payments", visibility: "INTERNAL", resources: ["quotes", "rates"] },
  { team: "payments", slug: "ledger", name: "Ledger", summary: "Double-entry accounts and journal entries.", tags: ["accounting", "finance"], category: "Finance", visibility: "INTERNAL", resources: ["accounts", "entries", "balances"], actions: ["POST /entries/{id}/reverse Reverse a journal entry"] },
  { team: "payments", slug: "tax", name: "Tax Calculation", summary: "Sales tax and VAT for any address.", tags: ["tax", "billing"], category: "Billing", visibility: "PUBLIC", resources: ["calculations", "registrations", "transactions"] },
  { team: "mobile", slug: "push-notifications", name: "Push Notifications", summary: "Send push messages to iOS and Android devices.", tags: ["messaging", "mobile"], category: "Messaging", visibility: "INTERNAL", resources: ["devices", "messages", "topics"], actions: ["POST /topics/{id}/broadcast Broadcast a message to a topic"] },
  { team: "mobile", slug: "app-config", name: "App Config", summary: "Remote configuration and feature flags for the apps.", tags: ["feature-flags", "mobile"], category: "Platform", visibility: "INTERNAL", resources: ["flags", "segments", "configs"] },
  { team: "mobile", slug: "deep-links", name: "Deep Links", summary: "Short links that open the right screen in the app.", tags: ["links", "marketing", "mobile"], category: "Marketing", visibility: "PUBLIC", resources: ["links", "domains"], actions: ["GET /links/{id}/stats Click statistics of a link"] },
  { team: "mobile", slug: "media-upload", name: "Media Upload", summary: "Resumable uploads of photos and videos, with thumbnails.", tags: ["media", "storage"], category: "Storage", visibility: "INTERNAL", resources: ["uploads", "assets"], actions: ["POST /uploads/{id}/complete Complete a resumable upload"] },
  { team: "mobile", slug: "crash-reports", name: "Crash Reports", summary: "Symbolicated crash reports and stability trends.", tags: ["observability", "mobile"], category: "Observability", visibility: "PRIVATE", resources: ["crashes", "releases", "symbols"] },
  { team: "mobile", slug: "in-app-messages", name: "In-App Messages", summary: "Banners and modals shown inside the apps.", tags: ["messaging", "marketing"], category: "Messaging", visibility: "INTERNAL", resources: ["campaigns", "messages"] },
  { team: "data-science", slug: "recommendations", name: "Recommendations", summary: "Personalised product recommendations.", tags: ["ml", "personalisation"], category: "Machine learning", visibility: "INTERNAL", resources: ["recommendations", "models", "events"], actions: ["POST /models/{id}/retrain Retrain a recommendation model"] },
  { team: "data-science", slug: "demand-forecast", name: "Demand Forecast", summary: "Daily demand forecasts per product and region.", tags: ["ml", "forecasting", "supply-chain"], category: "Machine learning", visibility: "INTERNAL", resources: ["forecasts", "scenarios"] },
  { team: "data-science", slug: "search-ranking", name: "Search Ranking", summary: "Learning-to-rank for product search.", tags: ["search", "ml"], category: "Machine learning", visibility: "INTERNAL", resources: ["rankings", "features", "experiments"] },
  { team: "data-science", slug: "sentiment", name: "Sentiment Analysis", summary: "Sentiment and topics of customer reviews.", tags: ["nlp", "ml"], category: "Machine learning", visibility: "PUBLIC", resources: ["analyses", "topics"] },
  { team: "data-science", slug: "experiments", name: "Experiments", summary: "A/B tests: assignment, exposure and results.", tags: ["experimentation", "analytics"], category: "Analytics", visibility: "INTERNAL", resources: ["experiments", "assignments", "metrics"], actions: ["POST /experiments/{id}/stop Stop an experiment and freeze its results"] },
  { team: "data-science", slug: "churn-prediction", name: "Churn Prediction", summary: "Probability that a customer cancels this month.", tags: ["ml", "customers"], category: "Machine learning", visibility: "PRIVATE", resources: ["predictions", "cohorts"] },
  { team: "identity", slug: "accounts", name: "Accounts", summary: "Customer accounts, profiles and preferences.", tags: ["identity", "customers"], category: "Identity", visibility: "INTERNAL", resources: ["accounts", "profiles", "preferences"], actions: ["POST /accounts/{id}/merge Merge two duplicate accounts"] },
  { team: "identity", slug: "oauth", name: "OAuth Authorization", summary: "OAuth 2.1 clients, consents and token introspection.", tags: ["identity", "oauth", "security"], category: "Identity", visibility: "PUBLIC", resources: ["clients", "consents", "tokens"], actions: ["POST /tokens/introspect Introspect an access token", "POST /tokens/revoke Revoke a refresh token"] },
  { team: "identity", slug: "mfa", name: "Multi-Factor Auth", summary: "TOTP, WebAuthn and SMS second factors.", tags: ["identity", "security"], category: "Identity", visibility: "INTERNAL", resources: ["factors", "challenges"], actions: ["POST /challenges/{id}/verify Verify a one-time code"] },
  { team: "identity", slug: "kyc", name: "Identity Verification", summary: "Document and selfie checks for know-your-customer.", tags: ["compliance", "identity"], category: "Compliance", visibility: "PRIVATE", resources: ["verifications", "documents"] },
  { team: "identity", slug: "audit-events", name: "Audit Events", summary: "Security events of customer accounts.", tags: ["security", "compliance"], category: "Compliance", visibility: "INTERNAL", resources: ["events", "exports"] },
  { team: "identity", slug: "organizations", name: "Organizations", summary: "Business customers, their members and roles.", tags: ["identity", "b2b"], category: "Identity", visibility: "PUBLIC", resources: ["organizations", "members", "invitations"] },
  { team: "logistics", slug: "shipping-rates", name: "Shipping Rates", summary: "Compare carrier rates and delivery times.", tags: ["shipping", "logistics"], category: "Logistics", visibility: "PUBLIC", resources: ["rates", "carriers"] },
  { team: "logistics", slug: "shipments", name: "Shipments", summary: "Labels, pickups and tracking for parcels.", tags: ["shipping", "tracking", "logistics"], category: "Logistics", visibility: "PUBLIC", resources: ["shipments", "labels", "pickups"], actions: ["GET /shipments/{id}/tracking Track a shipment", "POST /labels/{id}/void Void an unused shipping label"] },
  { team: "logistics", slug: "inventory", name: "Inventory", summary: "Stock levels across warehouses in real time.", tags: ["inventory", "supply-chain"], category: "Logistics", visibility: "INTERNAL", resources: ["items", "warehouses", "reservations"], actions: ["POST /reservations/{id}/release Release reserved stock"] },
  { team: "logistics", slug: "returns", name: "Returns", summary: "Return authorisations and refunds on receipt.", tags: ["returns", "logistics"], category: "Logistics", visibility: "INTERNAL", resources: ["returns", "inspections"] },
  { team: "logistics", slug: "address-validation", name: "Address Validation", summary: "Validate and autocomplete postal addresses.", tags: ["addresses", "geo"], category: "Geo", visibility: "PUBLIC", resources: ["validations", "suggestions"] },
  { team: "logistics", slug: "fleet", name: "Fleet Tracking", summary: "Live positions and routes of delivery vans.", tags: ["geo", "tracking"], category: "Geo", visibility: "PRIVATE", resources: ["vehicles", "routes", "positions"] },
  { team: "logistics", slug: "warehouse-robots", name: "Warehouse Robots", summary: "Pick tasks for the warehouse robots.", tags: ["robotics", "inventory"], category: "Logistics", visibility: "INTERNAL", resources: ["tasks", "robots"] },
];

const DAY = 86_400_000;

/** Versions of each demo API: every lifecycle state appears across the catalog. */
function versionPlan(index: number): { version: string; state: LifecycleState; omit?: number; ageDays: number }[] {
  switch (index % 6) {
    case 0: // a mature API: v1 retired, v2 deprecated, v3 current, v3.1 in draft
      return [
        { version: "1.0.0", state: "RETIRED", ageDays: 700 },
        { version: "2.0.0", state: "DEPRECATED", omit: 1, ageDays: 400 },
        { version: "3.0.0", state: "PUBLISHED", ageDays: 120 },
        { version: "3.1.0", state: "DRAFT", ageDays: 3 },
      ];
    case 1:
      return [
        { version: "1.0.0", state: "PUBLISHED", ageDays: 200 },
        { version: "1.1.0", state: "PUBLISHED", ageDays: 60 },
      ];
    case 2:
      return [
        { version: "1.2.0", state: "DEPRECATED", omit: 1, ageDays: 300 },
        { version: "2.0.0", state: "PUBLISHED", ageDays: 30 },
        { version: "2.1.0", state: "IN_REVIEW", ageDays: 2 },
      ];
    case 3:
      return [{ version: "0.9.0", state: "PUBLISHED", ageDays: 45 }];
    case 4:
      return [
        { version: "1.0.0", state: "RETIRED", ageDays: 500 },
        { version: "1.5.0", state: "DEPRECATED", ageDays: 250 },
      ];
    default:
      return [
        { version: "1.0.0", state: "PUBLISHED", ageDays: 90 },
        { version: "1.0.1", state: "PUBLISHED", ageDays: 10 },
      ];
  }
}

function description(api: DemoApi): string {
  return `## What it does

${api.summary} Owned by the **${api.team}** team.

## Getting started

1. Request access for one of your team's applications.
2. Create an API key for the application.
3. Call the API through the Portico gateway:

\`\`\`sh
curl -H "Authorization: Bearer $PORTICO_KEY" https://gateway.example.com/${api.slug}/v1/${api.resources[0]}
\`\`\`

| Environment | Base URL |
| --- | --- |
| Sandbox | \`https://sandbox.example.com/${api.slug}\` |
| Production | \`https://api.example.com/${api.slug}\` |

Questions? See the [runbook](https://wiki.example.com/${api.slug}) or write to the owning team.`;
}

/** Seeds the demo catalog for the given team ids (by slug). Idempotent per API slug. */
export async function seedDemoCatalog(teamIds: Record<string, string>, actor: { userId: string; email: string }) {
  const now = Date.now();
  for (const [index, api] of DEMO_APIS.entries()) {
    const teamId = teamIds[api.team];
    if (!teamId || (await db.api.findUnique({ where: { slug: api.slug }, select: { id: true } }))) continue;
    await db.$transaction(async (tx) => {
      const created = await tx.api.create({
        data: { teamId, slug: api.slug, name: api.name, summary: api.summary, description: description(api), tags: api.tags, category: api.category, visibility: api.visibility, contactEmail: `${api.team}-team@example.com` },
      });
      await tx.plan.createMany({
        data: [
          { apiId: created.id, name: "Sandbox", description: "For development and tests.", rateLimitPerMinute: 60, monthlyQuota: BigInt(10_000), requiresApproval: false },
          { apiId: created.id, name: "Production", description: "For live traffic.", rateLimitPerMinute: 1_200, monthlyQuota: BigInt(5_000_000), requiresApproval: true },
        ],
      });
      const plan = versionPlan(index);
      for (const step of plan) {
        const document = buildSpec({
          title: api.name,
          version: step.version,
          description: api.summary,
          serverUrl: `https://api.example.com/${api.slug}/v${step.version.split(".")[0]}`,
          resources: api.resources,
          actions: api.actions,
          omit: step.omit ? api.resources.slice(-step.omit) : undefined,
        });
        const created_at = new Date(now - step.ageDays * DAY);
        const published = step.state !== "DRAFT" && step.state !== "IN_REVIEW" ? created_at : null;
        await storeVersion(tx, {
          apiId: created.id,
          version: step.version,
          document,
          sourceText: JSON.stringify(document, null, 2),
          sourceFormat: "json",
          state: step.state,
          upstreamUrl: `${appUrl()}/api/demo-upstream/${api.slug}`,
          changelog: step.version.endsWith(".0.0") || step.version === "0.9.0" ? null : `- Added operations and fields to ${api.resources[0]}.\n- Fixed response examples.`,
          publishedAt: published,
          deprecatedAt: step.state === "DEPRECATED" || step.state === "RETIRED" ? new Date(now - Math.max(step.ageDays - 90, 20) * DAY) : null,
          sunsetAt: step.state === "DEPRECATED" ? new Date(now + 60 * DAY) : step.state === "RETIRED" ? new Date(now - 10 * DAY) : null,
          retiredAt: step.state === "RETIRED" ? new Date(now - 10 * DAY) : null,
        });
      }
      // Point deprecated and retired versions at the newest published one.
      const versions = await tx.apiVersion.findMany({ where: { apiId: created.id }, select: { id: true, state: true }, orderBy: [{ major: "desc" }, { minor: "desc" }, { patch: "desc" }] });
      const successor = versions.find((v) => v.state === "PUBLISHED");
      if (successor) {
        await tx.apiVersion.updateMany({ where: { apiId: created.id, state: { in: ["DEPRECATED", "RETIRED"] } }, data: { replacementId: successor.id } });
      }
      await recordAudit(tx, { actor: { userId: actor.userId, email: actor.email, requestId: "demo-seed" }, teamId, action: "api.created", target: { type: "api", id: created.id }, after: { slug: api.slug, name: api.name, visibility: api.visibility } });
    });
  }
}

/** Portico lists its own REST API in its catalog, documented from /api/v1/openapi.json. */
export async function seedPorticoApi(teamId: string) {
  if (await db.api.findUnique({ where: { slug: "portico" }, select: { id: true } })) return;
  const document = porticoOpenApiDocument() as unknown as OpenApiDocument;
  await db.$transaction(async (tx) => {
    const api = await tx.api.create({
      data: {
        teamId,
        slug: "portico",
        name: "Portico REST API",
        summary: "Automate Portico: the catalog, teams, members and the audit log.",
        description: "Call it with a personal access token (Settings → Access tokens) as `Authorization: Bearer <token>`. Errors are RFC 9457 problem documents; creating calls accept `Idempotency-Key`.\n\nThe live document is served at `/api/v1/openapi.json`.",
        tags: ["platform", "automation"],
        category: "Platform",
        visibility: "PUBLIC",
      },
    });
    await storeVersion(tx, { apiId: api.id, version: document.info.version, document, sourceText: JSON.stringify(document, null, 2), sourceFormat: "json", state: "PUBLISHED", publishedAt: new Date() });
  });
}
