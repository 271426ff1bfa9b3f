// One schema per resource: the REST routes shape their answers with these,
// and /api/v1/openapi.json is generated from them and the input schemas.
import { z } from "zod";

export const timestamp = z.iso.datetime().describe("ISO 8601 date-time (UTC)");
export const teamRole = z.enum(["OWNER", "ADMIN", "DEVELOPER", "VIEWER"]);

export const teamResource = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  role: teamRole.nullable().describe("The caller's role in the team; null for platform admins who are not members."),
  memberCount: z.number().int(),
  apiCount: z.number().int(),
  createdAt: timestamp,
}).meta({ id: "Team" });
export type TeamResource = z.infer<typeof teamResource>;

export const memberResource = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: teamRole,
  joinedAt: timestamp,
}).meta({ id: "Member" });
export type MemberResource = z.infer<typeof memberResource>;

export const invitationResource = z.object({
  id: z.string(),
  email: z.string(),
  role: teamRole,
  status: z.enum(["PENDING", "ACCEPTED", "REVOKED"]),
  expiresAt: timestamp,
  createdAt: timestamp,
  link: z.string().optional().describe("The acceptance link; returned only when the invitation is created."),
  mailed: z.boolean().optional(),
}).meta({ id: "Invitation" });
export type InvitationResource = z.infer<typeof invitationResource>;

export const auditEventResource = z.object({
  id: z.string(),
  action: z.string(),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  team: z.object({ slug: z.string(), name: z.string() }).nullable(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  targetLabel: z.string().nullable().describe("A human name for the target (an email, a team name), when known."),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  requestId: z.string().nullable(),
  createdAt: timestamp,
}).meta({ id: "AuditEvent" });
export type AuditEventResource = z.infer<typeof auditEventResource>;

export const problemResource = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
}).meta({ id: "Problem" });

export const meResource = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  platformRole: z.enum(["ADMIN", "MEMBER"]),
}).meta({ id: "Me" });

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

const iso = (date: Date) => date.toISOString();

export function toTeamResource(team: { id: string; slug: string; name: string; description: string | null; role: TeamResource["role"]; memberCount: number; apiCount: number; createdAt: Date }): TeamResource {
  return { id: team.id, slug: team.slug, name: team.name, description: team.description, role: team.role, memberCount: team.memberCount, apiCount: team.apiCount, createdAt: iso(team.createdAt) };
}

export function toMemberResource(member: { userId: string; email: string; name: string | null; role: MemberResource["role"]; joinedAt: Date }): MemberResource {
  return { ...member, joinedAt: iso(member.joinedAt) };
}

export function toInvitationResource(invitation: { id: string; email: string; role: InvitationResource["role"]; status: InvitationResource["status"]; expiresAt: Date; createdAt: Date }, extra: { link?: string; mailed?: boolean } = {}): InvitationResource {
  return { id: invitation.id, email: invitation.email, role: invitation.role, status: invitation.status, expiresAt: iso(invitation.expiresAt), createdAt: iso(invitation.createdAt), ...extra };
}

export function toAuditEventResource(event: { id: string; action: string; actorId: string | null; actorEmail: string | null; team: { slug: string; name: string } | null; targetType: string; targetId: string | null; targetLabel: string | null; before: unknown; after: unknown; requestId: string | null; createdAt: Date }): AuditEventResource {
  return { ...event, before: event.before ?? null, after: event.after ?? null, createdAt: iso(event.createdAt) };
}

export const lifecycleState = z.enum(["DRAFT", "IN_REVIEW", "PUBLISHED", "DEPRECATED", "RETIRED"]);
export const visibility = z.enum(["PUBLIC", "INTERNAL", "PRIVATE"]);

export const apiSummaryResource = z.object({
  slug: z.string(),
  name: z.string(),
  summary: z.string(),
  tags: z.array(z.string()),
  category: z.string().nullable(),
  visibility,
  team: z.object({ slug: z.string(), name: z.string() }),
  latestVersion: z.object({ version: z.string(), state: lifecycleState }).nullable(),
  operationHits: z.array(z.object({ method: z.string(), path: z.string(), summary: z.string(), anchor: z.string().describe("swagger-ui deep link of the operation in the docs page") })),
  updatedAt: timestamp,
}).meta({ id: "ApiSummary" });
export type ApiSummaryResource = z.infer<typeof apiSummaryResource>;

export const versionResource = z.object({
  version: z.string(),
  state: lifecycleState,
  publishedAt: timestamp.nullable(),
  deprecatedAt: timestamp.nullable(),
  sunsetAt: timestamp.nullable(),
  retiredAt: timestamp.nullable(),
  replacement: z.string().nullable().describe("The version to move to, once deprecated"),
  changelog: z.string().nullable(),
}).meta({ id: "ApiVersion" });
export type VersionResource = z.infer<typeof versionResource>;

export const planResource = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  limitUnit: z.enum(["REQUESTS", "TOKENS", "COST_MICROS"]).describe("What the limits count; requests today"),
  rateLimitPerMinute: z.number().int().nullable(),
  monthlyQuota: z.string().nullable().describe("A decimal integer, as quotas can exceed 2^53"),
  requiresApproval: z.boolean(),
  visibility: z.enum(["PUBLIC", "RESTRICTED"]),
  allowedTeams: z.array(z.string()).optional().describe("Slugs of the teams a RESTRICTED plan is offered to; shown to the API's team only"),
  deprecated: z.boolean().describe("A deprecated plan takes no new subscriptions"),
  activeSubscriptions: z.number().int().optional().describe("Shown to the API's team only"),
}).meta({ id: "Plan" });
export type PlanResource = z.infer<typeof planResource>;

export interface PlanRow {
  id: string;
  name: string;
  description: string;
  limitUnit: "REQUESTS" | "TOKENS" | "COST_MICROS";
  rateLimitPerMinute: number | null;
  monthlyQuota: bigint | null;
  requiresApproval: boolean;
  visibility: "PUBLIC" | "RESTRICTED";
  deprecatedAt: Date | null;
}

export function toPlanResource(plan: PlanRow & { allowedTeams?: string[]; _count?: { subscriptions: number } }): PlanResource {
  return {
    id: plan.id,
    name: plan.name,
    description: plan.description,
    limitUnit: plan.limitUnit,
    rateLimitPerMinute: plan.rateLimitPerMinute,
    monthlyQuota: plan.monthlyQuota?.toString() ?? null,
    requiresApproval: plan.requiresApproval,
    visibility: plan.visibility,
    deprecated: plan.deprecatedAt != null,
    ...(plan.allowedTeams ? { allowedTeams: plan.allowedTeams } : {}),
    ...(plan._count ? { activeSubscriptions: plan._count.subscriptions } : {}),
  };
}

export const apiResource = z.object({
  slug: z.string(),
  name: z.string(),
  summary: z.string(),
  description: z.string().describe("Markdown"),
  tags: z.array(z.string()),
  category: z.string().nullable(),
  visibility,
  team: z.object({ slug: z.string(), name: z.string() }),
  contact: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
  versions: z.array(versionResource),
  plans: z.array(planResource),
  updatedAt: timestamp,
}).meta({ id: "Api" });
export type ApiResource = z.infer<typeof apiResource>;

type VersionRow = { version: string; state: VersionResource["state"]; publishedAt: Date | null; deprecatedAt: Date | null; sunsetAt: Date | null; retiredAt: Date | null; changelog: string | null; replacement: { version: string } | null };
const isoOrNull = (date: Date | null) => (date ? iso(date) : null);

export function toVersionResource(version: VersionRow): VersionResource {
  return {
    version: version.version,
    state: version.state,
    publishedAt: isoOrNull(version.publishedAt),
    deprecatedAt: isoOrNull(version.deprecatedAt),
    sunsetAt: isoOrNull(version.sunsetAt),
    retiredAt: isoOrNull(version.retiredAt),
    replacement: version.replacement?.version ?? null,
    changelog: version.changelog,
  };
}

export function toApiSummaryResource(item: Omit<ApiSummaryResource, "updatedAt"> & { updatedAt: Date }): ApiSummaryResource {
  return { slug: item.slug, name: item.name, summary: item.summary, tags: item.tags, category: item.category, visibility: item.visibility, team: item.team, latestVersion: item.latestVersion, operationHits: item.operationHits, updatedAt: iso(item.updatedAt) };
}

export function toApiResource(overview: {
  api: { slug: string; name: string; summary: string; description: string; tags: string[]; category: string | null; visibility: ApiResource["visibility"]; contactName: string | null; contactEmail: string | null; updatedAt: Date; team: { slug: string; name: string } };
  versions: VersionRow[];
  plans: PlanRow[];
}): ApiResource {
  const { api } = overview;
  return {
    slug: api.slug,
    name: api.name,
    summary: api.summary,
    description: api.description,
    tags: api.tags,
    category: api.category,
    visibility: api.visibility,
    team: { slug: api.team.slug, name: api.team.name },
    contact: { name: api.contactName, email: api.contactEmail },
    versions: overview.versions.map(toVersionResource),
    plans: overview.plans.map((plan) => toPlanResource(plan)),
    updatedAt: iso(api.updatedAt),
  };
}

// --- applications, plans, subscriptions (access requests) ---

const teamRef = z.object({ slug: z.string(), name: z.string() });
const userRef = z.object({ email: z.string(), name: z.string().nullable() });

export const applicationResource = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  environment: z.enum(["SANDBOX", "PRODUCTION"]),
  team: teamRef,
  archivedAt: timestamp.nullable(),
  createdAt: timestamp,
  activeSubscriptions: z.number().int().optional(),
  liveKeys: z.number().int().optional(),
}).meta({ id: "Application" });
export type ApplicationResource = z.infer<typeof applicationResource>;

export function toApplicationResource(application: {
  id: string; name: string; description: string; environment: "SANDBOX" | "PRODUCTION"; team: { slug: string; name: string }; archivedAt: Date | null; createdAt: Date;
  _count?: { subscriptions: number; apiKeys: number };
}): ApplicationResource {
  return {
    id: application.id,
    name: application.name,
    description: application.description,
    environment: application.environment,
    team: { slug: application.team.slug, name: application.team.name },
    archivedAt: application.archivedAt ? iso(application.archivedAt) : null,
    createdAt: iso(application.createdAt),
    ...(application._count ? { activeSubscriptions: application._count.subscriptions, liveKeys: application._count.apiKeys } : {}),
  };
}

const subscriptionStatus = z.enum(["PENDING", "ACTIVE", "REJECTED", "REVOKED", "CANCELLED"]);

export const subscriptionResource = z.object({
  id: z.string(),
  status: subscriptionStatus,
  api: z.object({ slug: z.string(), name: z.string(), team: teamRef }),
  application: z.object({ id: z.string(), name: z.string(), team: teamRef }),
  plan: z.object({ id: z.string(), name: z.string(), rateLimitPerMinute: z.number().int().nullable(), monthlyQuota: z.string().nullable(), requiresApproval: z.boolean() }),
  justification: z.string().nullable(),
  decisionNote: z.string().nullable().describe("The reason given for a rejection or revocation, or the approver's note"),
  requester: userRef,
  reviewer: userRef.nullable(),
  decidedAt: timestamp.nullable(),
  createdAt: timestamp,
  history: z.array(z.object({ from: subscriptionStatus.nullable(), to: subscriptionStatus, actor: userRef.nullable(), note: z.string().nullable(), at: timestamp })).optional(),
}).meta({ id: "Subscription" });
export type SubscriptionResource = z.infer<typeof subscriptionResource>;

type SubscriptionStatusValue = z.infer<typeof subscriptionStatus>;

export function toSubscriptionResource(
  subscription: {
    id: string; status: SubscriptionStatusValue; requestNote: string | null; decisionNote: string | null; decidedAt: Date | null; createdAt: Date;
    api: { slug: string; name: string; team: { slug: string; name: string } };
    application: { id: string; name: string; team: { slug: string; name: string } };
    plan: { id: string; name: string; rateLimitPerMinute: number | null; monthlyQuota: bigint | null; requiresApproval: boolean };
    requester: { email: string; name: string | null };
    reviewer: { email: string; name: string | null } | null;
  },
  events?: { fromStatus: SubscriptionStatusValue | null; toStatus: SubscriptionStatusValue; note: string | null; createdAt: Date; actor: { email: string; name: string | null } | null }[],
): SubscriptionResource {
  return {
    id: subscription.id,
    status: subscription.status,
    api: { slug: subscription.api.slug, name: subscription.api.name, team: { slug: subscription.api.team.slug, name: subscription.api.team.name } },
    application: { id: subscription.application.id, name: subscription.application.name, team: { slug: subscription.application.team.slug, name: subscription.application.team.name } },
    plan: { id: subscription.plan.id, name: subscription.plan.name, rateLimitPerMinute: subscription.plan.rateLimitPerMinute, monthlyQuota: subscription.plan.monthlyQuota?.toString() ?? null, requiresApproval: subscription.plan.requiresApproval },
    justification: subscription.requestNote,
    decisionNote: subscription.decisionNote,
    requester: { email: subscription.requester.email, name: subscription.requester.name },
    reviewer: subscription.reviewer ? { email: subscription.reviewer.email, name: subscription.reviewer.name } : null,
    decidedAt: subscription.decidedAt ? iso(subscription.decidedAt) : null,
    createdAt: iso(subscription.createdAt),
    ...(events ? { history: events.map((e) => ({ from: e.fromStatus, to: e.toStatus, actor: e.actor ? { email: e.actor.email, name: e.actor.name } : null, note: e.note, at: iso(e.createdAt) })) } : {}),
  };
}

// --- API keys, key verification, gateway credentials ---

export const apiKeyStatus = z.enum(["ACTIVE", "EXPIRING", "EXPIRED", "REVOKED"]).describe("EXPIRING: replaced by rotation, still accepted until expiresAt");
const keyActorReference = z.object({ id: z.string(), email: z.string(), name: z.string().nullable() });

export const apiKeyResource = z.object({
  id: z.string(),
  applicationId: z.string(),
  name: z.string(),
  prefix: z.string().describe("The key's first 12 characters, to recognise it; the key itself is never shown again"),
  status: apiKeyStatus,
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  lastUsedAt: timestamp.nullable().describe("When the gateway last saw this key while it was valid (to within 30 seconds)"),
  revokedAt: timestamp.nullable(),
  replacedBy: z.string().nullable().describe("The id of the key that replaced this one by rotation"),
  createdBy: keyActorReference.nullable(),
}).meta({ id: "ApiKey" });
export type ApiKeyResource = z.infer<typeof apiKeyResource>;

export const newApiKeyResource = apiKeyResource.extend({
  secret: z.string().optional().describe("The key itself, in the first answer only: Portico keeps only its hash, so a replay with the same Idempotency-Key answers the key without it."),
}).meta({ id: "NewApiKey" });

export const keyRotationResource = z.object({
  key: newApiKeyResource,
  previous: apiKeyResource,
}).meta({ id: "KeyRotation", description: "The replacement key (with its secret, shown this once) and the rotated key, accepted until its expiresAt" });

export const keyVerificationResource = z.object({
  allowed: z.boolean(),
  reason: z.enum(["invalid-key", "unknown-key", "key-revoked", "key-expired", "application-archived", "not-subscribed", "version-not-found", "version-retired"]).optional().describe("Why not, when not allowed"),
  application: z.object({ id: z.string(), name: z.string(), teamId: z.string() }).optional(),
  subscription: z.object({
    id: z.string(),
    plan: z.object({
      id: z.string(),
      name: z.string(),
      limitUnit: z.enum(["REQUESTS", "TOKENS", "COST_MICROS"]),
      rateLimitPerMinute: z.number().int().nullable(),
      monthlyQuota: z.string().nullable().describe("A decimal integer, as quotas can exceed 2^53"),
    }),
  }).optional(),
  version: z.object({
    version: z.string().describe("The version the request resolves to (a major selector such as v2 names its newest release)"),
    state: lifecycleState,
    sunsetAt: timestamp.nullable(),
    replacement: z.string().nullable(),
  }).optional(),
}).meta({ id: "KeyVerification", description: "What the gateway needs to route and meter a call. Parts that are unknown when a call is refused are left out." });
export type KeyVerificationResource = z.infer<typeof keyVerificationResource>;

export const gatewayCredentialResource = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
  createdBy: keyActorReference.nullable(),
}).meta({ id: "GatewayCredential" });
export type GatewayCredentialResource = z.infer<typeof gatewayCredentialResource>;

export const newGatewayCredentialResource = gatewayCredentialResource.extend({
  secret: z.string().optional().describe("The credential itself, in the first answer only: Portico keeps only its hash, so a replay with the same Idempotency-Key answers without it."),
}).meta({ id: "NewGatewayCredential" });

type KeyView = { id: string; applicationId: string; name: string; prefix: string; status: ApiKeyResource["status"]; createdAt: Date; expiresAt: Date | null; lastUsedAt: Date | null; revokedAt: Date | null; rotatedToId: string | null; createdBy: ApiKeyResource["createdBy"] };

export function toApiKeyResource(key: KeyView): ApiKeyResource {
  return {
    id: key.id,
    applicationId: key.applicationId,
    name: key.name,
    prefix: key.prefix,
    status: key.status,
    createdAt: iso(key.createdAt),
    expiresAt: isoOrNull(key.expiresAt),
    lastUsedAt: isoOrNull(key.lastUsedAt),
    revokedAt: isoOrNull(key.revokedAt),
    replacedBy: key.rotatedToId,
    createdBy: key.createdBy,
  };
}

export function toKeyVerificationResource(verification: {
  allowed: boolean;
  reason?: KeyVerificationResource["reason"];
  application?: { id: string; name: string; teamId: string };
  subscription?: { id: string; plan: { id: string; name: string; limitUnit: "REQUESTS" | "TOKENS" | "COST_MICROS"; rateLimitPerMinute: number | null; monthlyQuota: bigint | null } };
  version?: { version: string; state: VersionResource["state"]; sunsetAt: Date | null; replacement: string | null };
}): KeyVerificationResource {
  const { subscription, version } = verification;
  return {
    allowed: verification.allowed,
    ...(verification.reason ? { reason: verification.reason } : {}),
    ...(verification.application ? { application: { ...verification.application } } : {}),
    ...(subscription ? { subscription: { id: subscription.id, plan: { ...subscription.plan, monthlyQuota: subscription.plan.monthlyQuota?.toString() ?? null } } } : {}),
    ...(version ? { version: { version: version.version, state: version.state, sunsetAt: isoOrNull(version.sunsetAt), replacement: version.replacement } } : {}),
  };
}

export function toGatewayCredentialResource(credential: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null; createdBy: GatewayCredentialResource["createdBy"] }): GatewayCredentialResource {
  return {
    id: credential.id,
    name: credential.name,
    prefix: credential.prefix,
    createdAt: iso(credential.createdAt),
    lastUsedAt: isoOrNull(credential.lastUsedAt),
    revokedAt: isoOrNull(credential.revokedAt),
    createdBy: credential.createdBy,
  };
}

// --- webhooks ---

// The same list as WEBHOOK_EVENTS (lib/webhooks/events.ts); a test keeps them equal.
export const webhookEventName = z.enum(["access.requested", "access.approved", "access.rejected", "access.revoked", "access.cancelled", "version.published", "version.deprecated", "version.retired"]);
export const webhookDeliveryStatus = z.enum(["PENDING", "RETRYING", "DELIVERED", "FAILED"]).describe("PENDING: not attempted yet; RETRYING: failed, another attempt is scheduled; DELIVERED: answered 2xx; FAILED: every attempt failed");

export const webhookResource = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(webhookEventName),
  active: z.boolean().describe("false while paused: no events are sent"),
  lastDelivery: z.object({ status: webhookDeliveryStatus, responseCode: z.number().int().nullable(), createdAt: timestamp }).nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: "Webhook" });
export type WebhookResource = z.infer<typeof webhookResource>;

export const webhookWithSecretResource = webhookResource.extend({
  secret: z.string().describe("The signing secret (whsec_...): returned only when the webhook is created or its secret rolled. Verify `Portico-Signature: v1=<hex HMAC-SHA256(secret, \"<Portico-Timestamp>.<raw body>\")>`."),
}).meta({ id: "WebhookWithSecret" });

export const webhookDeliveryResource = z.object({
  id: z.string().describe("Sent as the Portico-Delivery header"),
  event: z.string(),
  status: webhookDeliveryStatus,
  attempts: z.number().int(),
  responseCode: z.number().int().nullable().describe("HTTP status of the last attempt; null when no answer came"),
  durationMs: z.number().int().nullable(),
  lastError: z.string().nullable().describe("Why the last attempt failed, with the start of the response body"),
  lastAttemptAt: timestamp.nullable(),
  nextAttemptAt: timestamp.nullable(),
  deliveredAt: timestamp.nullable(),
  createdAt: timestamp,
  payload: z.object({ id: z.string(), event: z.string(), occurredAt: timestamp, data: z.record(z.string(), z.unknown()) }).describe("The JSON body POSTed"),
}).meta({ id: "WebhookDelivery" });
export type WebhookDeliveryResource = z.infer<typeof webhookDeliveryResource>;

type WebhookRow = { id: string; url: string; description: string; events: string[]; active: boolean; createdAt: Date; updatedAt: Date; lastDelivery?: { status: string; responseCode: number | null; createdAt: Date } | null };

export function toWebhookResource(webhook: WebhookRow): WebhookResource {
  const last = webhook.lastDelivery;
  return {
    id: webhook.id,
    url: webhook.url,
    description: webhook.description,
    events: webhook.events as WebhookResource["events"],
    active: webhook.active,
    lastDelivery: last ? { status: last.status as WebhookDeliveryResource["status"], responseCode: last.responseCode, createdAt: iso(last.createdAt) } : null,
    createdAt: iso(webhook.createdAt),
    updatedAt: iso(webhook.updatedAt),
  };
}

export function toWebhookDeliveryResource(delivery: { id: string; event: string; status: string; attempts: number; responseCode: number | null; durationMs: number | null; lastError: string | null; lastAttemptAt: Date | null; nextAttemptAt: Date | null; deliveredAt: Date | null; createdAt: Date; payload: unknown }): WebhookDeliveryResource {
  return {
    id: delivery.id,
    event: delivery.event,
    status: delivery.status as WebhookDeliveryResource["status"],
    attempts: delivery.attempts,
    responseCode: delivery.responseCode,
    durationMs: delivery.durationMs,
    lastError: delivery.lastError,
    lastAttemptAt: isoOrNull(delivery.lastAttemptAt),
    nextAttemptAt: isoOrNull(delivery.nextAttemptAt),
    deliveredAt: isoOrNull(delivery.deliveredAt),
    createdAt: iso(delivery.createdAt),
    payload: delivery.payload as WebhookDeliveryResource["payload"],
  };
}
