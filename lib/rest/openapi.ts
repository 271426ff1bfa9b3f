import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { createTeamInput, inviteInput, updateTeamInput, changeRoleInput } from "@/lib/teams/schemas";
import { auditFilterInput } from "@/lib/audit/list";
import { pageQuery } from "@/lib/http/pagination";
import { appUrl } from "@/lib/config";
import { catalogListQuery } from "@/lib/catalog/query";
import { createApiInput } from "@/lib/apis/schemas";
import { transitionInput } from "@/lib/lifecycle/apply";
import { uploadInput } from "@/lib/versions/upload";
import { apiResource, apiSummaryResource, auditEventResource, invitationResource, listOf, memberResource, meResource, problemResource, teamResource, versionResource } from "./schemas";

type Method = RouteConfig["method"];

function buildRegistry() {
  const registry = new OpenAPIRegistry();
  const Problem = problemResource;
  const Team = teamResource;
  const Member = memberResource;
  const Invitation = invitationResource;
  const AuditEvent = auditEventResource;
  const Me = meResource;
  registry.registerComponent("securitySchemes", "personalAccessToken", {
    type: "http",
    scheme: "bearer",
    description: "A personal access token created on Settings → Access tokens.",
  });

  const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
  const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: Problem } } });
  const errors = {
    401: problem("No or invalid credentials."),
    403: problem("Visible, but the caller's role does not allow this."),
    404: problem("No such resource, or the caller may not see it."),
    409: problem("The resource's state does not allow this."),
    422: problem("The body or query does not validate."),
  };
  const slug = z.object({ slug: z.string().describe("The team's slug") });
  const member = slug.extend({ userId: z.string() });

  const path = (method: Method, route: string, operationId: string, summary: string, config: Partial<RouteConfig>) =>
    registry.registerPath({ method, path: route, operationId, summary, tags: [route.split("/")[1]], security: [{ personalAccessToken: [] }], responses: {}, ...config });

  path("get", "/me", "getMe", "The caller", { responses: { 200: { description: "The signed-in user", ...json(Me) }, 401: errors[401] } });
  path("get", "/teams", "listTeams", "Teams the caller belongs to (platform admins: ?all=true for every team)", {
    request: { query: pageQuery.extend({ all: z.enum(["true", "false"]).optional() }) },
    responses: { 200: { description: "A page of teams", ...json(listOf(Team)) }, 401: errors[401] },
  });
  path("post", "/teams", "createTeam", "Create a team; the caller becomes its OWNER", {
    request: { headers: z.object({ "Idempotency-Key": z.string().optional() }), body: json(createTeamInput) },
    responses: { 201: { description: "Created", ...json(Team) }, 401: errors[401], 409: errors[409], 422: errors[422] },
  });
  path("get", "/teams/{slug}", "getTeam", "One team", { request: { params: slug }, responses: { 200: { description: "The team", ...json(Team) }, 401: errors[401], 404: errors[404] } });
  path("patch", "/teams/{slug}", "updateTeam", "Change a team's settings (OWNER)", {
    request: { params: slug, body: json(updateTeamInput) },
    responses: { 200: { description: "Updated", ...json(Team) }, 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
  });
  path("get", "/teams/{slug}/members", "listMembers", "Members of a team", {
    request: { params: slug },
    responses: { 200: { description: "All members", ...json(listOf(Member)) }, 401: errors[401], 404: errors[404] },
  });
  path("patch", "/teams/{slug}/members/{userId}", "changeMemberRole", "Change a member's role (OWNER); the last OWNER cannot be demoted", {
    request: { params: member, body: json(changeRoleInput) },
    responses: { 200: { description: "Changed", ...json(Member) }, ...errors },
  });
  path("delete", "/teams/{slug}/members/{userId}", "removeMember", "Remove a member (OWNER), or leave the team when userId is the caller's", {
    request: { params: member },
    responses: { 204: { description: "Removed" }, ...errors },
  });
  path("get", "/teams/{slug}/invitations", "listInvitations", "Pending invitations (ADMIN and up)", {
    request: { params: slug },
    responses: { 200: { description: "Pending invitations", ...json(listOf(Invitation)) }, 401: errors[401], 403: errors[403], 404: errors[404] },
  });
  path("post", "/teams/{slug}/invitations", "inviteMember", "Invite someone by email (ADMIN and up); answers the acceptance link", {
    request: { params: slug, headers: z.object({ "Idempotency-Key": z.string().optional() }), body: json(inviteInput) },
    responses: { 201: { description: "Invited", ...json(Invitation) }, ...errors },
  });
  path("get", "/audit-events", "listAuditEvents", "The audit log the caller may read, newest first", {
    request: { query: auditFilterInput },
    responses: { 200: { description: "A page of audit events", ...json(listOf(AuditEvent)) }, 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
  });
  const apiSlug = z.object({ slug: z.string().describe("The API's slug") });
  const apiVersion = apiSlug.extend({ version: z.string().describe("A semantic version, or \"latest\"") });
  const anonymous: Record<string, string[]>[] = [{}, { personalAccessToken: [] }];
  path("get", "/apis", "listApis", "Search and filter the catalog (PUBLIC APIs without credentials)", {
    security: anonymous,
    request: { query: catalogListQuery },
    responses: { 200: { description: "A page of APIs, ranked by relevance when searching", ...json(listOf(apiSummaryResource).extend({ total: z.number().int() })) }, 422: errors[422] },
  });
  path("post", "/apis", "createApi", "Create an API owned by one of your teams (team DEVELOPER and up); it has no version yet", {
    request: { headers: z.object({ "Idempotency-Key": z.string().optional() }), body: json(createApiInput) },
    responses: { 201: { description: "Created", ...json(apiResource) }, ...errors },
  });
  path("post", "/apis/{slug}/versions", "uploadVersion", "Upload a new DRAFT version (team DEVELOPER and up): parsed, validated, linted and compared with the last released version before it is stored", {
    request: { params: apiSlug, headers: z.object({ "Idempotency-Key": z.string().optional() }), body: json(uploadInput) },
    responses: {
      201: { description: "The draft, with its lint report and change report", ...json(z.object({ id: z.string(), api: z.string(), version: z.string(), state: z.string(), lintReport: z.object({}).passthrough(), changeReport: z.object({}).passthrough() })) },
      413: problem("The document is over the size limit."),
      ...errors,
    },
  });
  path("post", "/apis/{slug}/versions/{version}/transitions", "transitionVersion", "Move a version through its lifecycle: submit, approve, reject, publish, deprecate, undeprecate, retire, delete", {
    request: { params: apiVersion, body: json(transitionInput) },
    responses: { 200: { description: "The version's new state", ...json(z.object({ api: z.string(), version: z.string(), state: z.string() })) }, ...errors },
  });
  path("get", "/apis/{slug}", "getApi", "One API with its versions and plans", {
    security: anonymous,
    request: { params: apiSlug },
    responses: { 200: { description: "The API", ...json(apiResource) }, 404: errors[404] },
  });
  path("get", "/apis/{slug}/versions", "listApiVersions", "The versions of an API the caller may see, newest first", {
    security: anonymous,
    request: { params: apiSlug },
    responses: { 200: { description: "Versions", ...json(listOf(versionResource)) }, 404: errors[404] },
  });
  for (const format of ["json", "yaml"] as const) {
    path("get", `/apis/{slug}/versions/{version}/openapi.${format}`, `getApiDocument${format === "json" ? "Json" : "Yaml"}`, `A version's OpenAPI document as ${format.toUpperCase()}`, {
      security: anonymous,
      request: { params: apiVersion },
      responses: { 200: { description: "The OpenAPI document", content: { [format === "json" ? "application/json" : "application/yaml"]: { schema: z.object({}).passthrough() } } }, 404: errors[404] },
    });
  }

  // --- applications, plans, subscriptions (access requests) ---

  // --- API keys, key verification, gateway credentials ---

  // --- webhooks ---

  return registry;
}

export function porticoOpenApiDocument() {
  const generator = new OpenApiGeneratorV31(buildRegistry().definitions);
  return generator.generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Portico REST API",
      version: "1.0.0",
      description: "The catalog, teams, members and the audit log of a Portico installation. Authenticate with `Authorization: Bearer <personal access token>`. Errors are RFC 9457 problem documents.",
    },
    servers: [{ url: `${appUrl()}/api/v1` }],
    security: [{ personalAccessToken: [] }],
  });
}
