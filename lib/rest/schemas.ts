// One schema per resource: the REST routes shape their answers with these,
// and /api/v1/openapi.json is generated from them and the input schemas.
import { z } from "zod";

const timestamp = z.iso.datetime().describe("ISO 8601 date-time (UTC)");
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
  name: z.string(),
  description: z.string(),
  rateLimitPerMinute: z.number().int().nullable(),
  monthlyQuota: z.string().nullable().describe("A decimal integer, as quotas can exceed 2^53"),
  requiresApproval: z.boolean(),
}).meta({ id: "Plan" });

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
  plans: { name: string; description: string; rateLimitPerMinute: number | null; monthlyQuota: bigint | null; requiresApproval: boolean }[];
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
    plans: overview.plans.map((plan) => ({ name: plan.name, description: plan.description, rateLimitPerMinute: plan.rateLimitPerMinute, monthlyQuota: plan.monthlyQuota?.toString() ?? null, requiresApproval: plan.requiresApproval })),
    updatedAt: iso(api.updatedAt),
  };
}

// --- applications, plans, subscriptions (access requests) ---

// --- API keys, key verification, gateway credentials ---

// --- webhooks ---
