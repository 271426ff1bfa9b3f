import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { createTeamInput, inviteInput, updateTeamInput, changeRoleInput } from "@/lib/teams/schemas";
import { auditFilterInput } from "@/lib/audit/list";
import { pageQuery } from "@/lib/http/pagination";
import { appUrl } from "@/lib/config";
import { catalogListQuery } from "@/lib/catalog/query";
import { createApiInput } from "@/lib/apis/schemas";
import * as apiSettingInputs from "@/lib/apis/schemas";
import * as apiSettingResources from "@/lib/apis/resource";
import { transitionInput } from "@/lib/lifecycle/apply";
import { uploadFields, uploadInput } from "@/lib/versions/upload";
import { applicationListQuery, createApplicationInput, updateApplicationInput } from "@/lib/applications/schemas";
import { createPlanInput, updatePlanInput } from "@/lib/plans/schemas";
import { createSubscriptionInput, subscriptionActionInput, subscriptionListQuery } from "@/lib/subscriptions/schemas";
import { applicationResource, planResource, subscriptionResource } from "./schemas";
import { apiResource, apiSummaryResource, auditEventResource, invitationResource, listOf, memberResource, meResource, problemResource, teamResource, versionResource } from "./schemas";
import { apiKeyResource, gatewayCredentialResource, keyRotationResource, keyVerificationResource, newApiKeyResource, newGatewayCredentialResource } from "./schemas";
import { createGatewayCredentialInput, createKeyInput, rotateKeyInput, verifyKeyInput } from "@/lib/keys/schemas";
import * as webhookInputs from "@/lib/webhooks/schemas";
import { apiAnalyticsResource, applicationUsageResource, usageRangeQuery } from "@/lib/usage/resource";
import { webhookDeliveryResource, webhookResource, webhookWithSecretResource } from "./schemas";

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
  // The document either inside a JSON body, or as the body itself (no JSON
  // escaping of a large document; the other fields then come as query parameters).
  const rawDocument = z.string().describe("The OpenAPI 3.0/3.1 or Swagger 2.0 document itself (YAML or JSON), as the whole body");
  path("post", "/apis/{slug}/versions", "uploadVersion", "Upload a new DRAFT version (team DEVELOPER and up): parsed, validated, linted and compared with the last released version before it is stored", {
    description:
      "Send either `application/json` with `{ source, version?, upstreamUrl?, changelog? }` (the body may be up to twice the document size limit, for the escaping), " +
      "or the document itself as the body with `Content-Type: application/yaml` (also `application/x-yaml`, `text/yaml`) or `application/vnd.oai.openapi+json` (or `application/vnd.oai.openapi`), " +
      "with `version`, `upstreamUrl` and `changelog` as query parameters (the body may be up to the document size limit). " +
      "Who may upload is checked before the body is read. A multipart (form) body is refused with 400.",
    request: {
      params: apiSlug,
      query: uploadFields,
      headers: z.object({ "Idempotency-Key": z.string().optional() }),
      body: {
        content: {
          "application/json": { schema: uploadInput },
          "application/yaml": { schema: rawDocument },
          "application/vnd.oai.openapi+json": { schema: rawDocument },
        },
      },
    },
    responses: {
      201: { description: "The draft, with its lint report and change report", ...json(z.object({ id: z.string(), api: z.string(), version: z.string(), state: z.string(), lintReport: z.object({}).passthrough(), changeReport: z.object({}).passthrough() })) },
      400: problem("The JSON body is not valid JSON, or the body is a form (multipart) rather than the document."),
      413: problem("The body, or the document in it, is over the size limit."),
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
  path("patch", "/apis/{slug}", "updateApiSettings", "Change an API's details, visibility and gateway settings (its team's ADMIN and up); keyless only for PUBLIC APIs", {
    request: { params: apiSlug, body: json(apiSettingInputs.updateApiSettingsInput) },
    responses: { 200: { description: "The API's settings", ...json(apiSettingResources.apiSettingsResource) }, 401: errors[401], 403: errors[403], 404: errors[404], 422: problem("The body does not validate, or keyless was asked for an API that is not PUBLIC.") },
  });
  path("get", "/apis/{slug}/analytics", "getApiAnalytics", "An API's gateway traffic over a range: totals, a time series, top consumers, traffic per version and who still calls deprecated versions (its team and platform admins)", {
    request: { params: apiSlug, query: usageRangeQuery },
    responses: { 200: { description: "The API's analytics", ...json(apiAnalyticsResource) }, 401: errors[401], 403: errors[403], 404: errors[404], 422: problem("The range is not one of 1h, 24h, 7d, 30d.") },
  });
  path("put", "/apis/{slug}/versions/{version}/upstream", "setVersionUpstream", "Set where the gateway forwards a version's calls (its team's ADMIN and up); any state but RETIRED", {
    request: { params: apiSlug.extend({ version: z.string().describe("A semantic version") }), body: json(apiSettingInputs.updateUpstreamInput) },
    responses: { 200: { description: "The version's upstream", ...json(apiSettingResources.versionUpstreamResource) }, ...errors, 409: problem("The version is retired.") },
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
  const applicationId = z.object({ id: z.string().describe("The application's id") });
  const subscriptionId = z.object({ id: z.string().describe("The subscription's id") });
  const planPath = apiSlug.extend({ planId: z.string() });
  path("get", "/applications", "listApplications", "Applications of the caller's teams (or of ?team=)", {
    request: { query: applicationListQuery },
    responses: { 200: { description: "Applications", ...json(listOf(applicationResource)) }, 401: errors[401], 404: errors[404], 422: errors[422] },
  });
  path("post", "/applications", "createApplication", "Create an application for one of your teams (team DEVELOPER and up)", {
    request: { body: json(createApplicationInput) },
    responses: { 201: { description: "The application", ...json(applicationResource) }, ...errors },
  });
  path("get", "/applications/{id}", "getApplication", "One application (members of its team)", { request: { params: applicationId }, responses: { 200: { description: "The application", ...json(applicationResource) }, 401: errors[401], 404: errors[404] } });
  path("get", "/applications/{id}/usage", "getApplicationUsage", "An application's gateway usage this month and over the last 7 days, per API, against its plans' limits (members of its team)", {
    request: { params: applicationId },
    responses: { 200: { description: "The application's usage", ...json(applicationUsageResource) }, 401: errors[401], 404: errors[404] },
  });
  path("patch", "/applications/{id}", "updateApplication", "Rename or describe an application (team DEVELOPER and up)", {
    request: { params: applicationId, body: json(updateApplicationInput) },
    responses: { 200: { description: "The application", ...json(applicationResource) }, ...errors },
  });
  path("delete", "/applications/{id}", "archiveApplication", "Archive an application: revokes its keys and cancels its subscriptions (team DEVELOPER and up)", {
    request: { params: applicationId },
    responses: { 200: { description: "What was closed", ...json(z.object({ revokedKeys: z.number().int(), closedSubscriptions: z.number().int() })) }, ...errors },
  });
  path("get", "/apis/{slug}/plans", "listPlans", "The plans of an API the caller is offered (all of them for the API's team)", {
    security: anonymous,
    request: { params: apiSlug },
    responses: { 200: { description: "Plans", ...json(listOf(planResource)) }, 404: errors[404] },
  });
  path("post", "/apis/{slug}/plans", "createPlan", "Add a plan to an API (its team's ADMIN and up)", {
    request: { params: apiSlug, body: json(createPlanInput) },
    responses: { 201: { description: "The plan", ...json(planResource) }, ...errors },
  });
  path("patch", "/apis/{slug}/plans/{planId}", "updatePlan", "Change or deprecate a plan (its team's ADMIN and up); existing subscriptions are untouched", {
    request: { params: planPath, body: json(updatePlanInput) },
    responses: { 200: { description: "The plan", ...json(planResource) }, ...errors },
  });
  path("get", "/subscriptions", "listSubscriptions", "Subscriptions of your applications (side=consumer) or requests for the APIs you approve for (side=provider)", {
    request: { query: subscriptionListQuery },
    responses: { 200: { description: "Subscriptions", ...json(listOf(subscriptionResource)) }, 401: errors[401], 422: errors[422] },
  });
  path("post", "/subscriptions", "requestAccess", "Request access to an API for one of your team's applications; ACTIVE at once when the plan needs no approval", {
    request: { body: json(createSubscriptionInput) },
    responses: { 201: { description: "The subscription", ...json(subscriptionResource) }, ...errors },
  });
  path("get", "/subscriptions/{id}", "getSubscription", "One subscription with its history (either team)", { request: { params: subscriptionId }, responses: { 200: { description: "The subscription", ...json(subscriptionResource) }, 401: errors[401], 404: errors[404] } });
  path("post", "/subscriptions/{id}/transitions", "decideSubscription", "approve or reject (with reason) a request, revoke (with reason) an active subscription: the API's team ADMIN and up, never the requester; cancel: the application's team", {
    request: { params: subscriptionId, body: json(subscriptionActionInput) },
    responses: { 200: { description: "The subscription", ...json(subscriptionResource) }, ...errors },
  });

  // --- API keys, key verification, gateway credentials ---
  {
    // A block of its own, so these names cannot clash with the other sections'.
    registry.registerComponent("securitySchemes", "gatewayCredential", {
      type: "http",
      scheme: "bearer",
      description: "A gateway's service credential (ptc_gw_…), created by a platform admin on Admin → Gateway. Personal access tokens are not accepted here.",
    });
    const application = z.object({ id: z.string().describe("The application's id") });
    const applicationKey = application.extend({ keyId: z.string() });
    const creating = z.object({ "Idempotency-Key": z.string().optional() });
    path("post", "/keys/verify", "verifyKey", "For the gateway: may this API key call this API version? Answers 200 whether allowed or not, with the application, plan limits and version", {
      security: [{ gatewayCredential: [] }],
      request: { body: json(verifyKeyInput) },
      responses: {
        200: { description: "The verdict; `reason` says why not", ...json(keyVerificationResource) },
        400: problem("The key was sent in the query string (key, api_key or apikey): refused, keys belong in the body."),
        401: problem("No gateway credential, or a person's credential."),
        422: errors[422],
      },
    });
    path("get", "/applications/{id}/keys", "listApplicationKeys", "An application's keys, newest first (any member of its team); never the key itself", {
      request: { params: application, query: pageQuery },
      responses: { 200: { description: "A page of keys", ...json(listOf(apiKeyResource)) }, 401: errors[401], 404: errors[404], 422: errors[422] },
    });
    path("post", "/applications/{id}/keys", "createApplicationKey", "Create a key (team DEVELOPER and up) for an application with an approved subscription; the answer holds the key, shown this once", {
      request: { params: application, headers: creating, body: json(createKeyInput) },
      responses: { 201: { description: "Created", ...json(newApiKeyResource) }, ...errors },
    });
    path("get", "/applications/{id}/keys/{keyId}", "getApplicationKey", "One key of an application", {
      request: { params: applicationKey },
      responses: { 200: { description: "The key", ...json(apiKeyResource) }, 401: errors[401], 404: errors[404] },
    });
    path("delete", "/applications/{id}/keys/{keyId}", "revokeApplicationKey", "Revoke a key now (team DEVELOPER and up); 409 when it is already revoked", {
      request: { params: applicationKey },
      responses: { 204: { description: "Revoked" }, 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
    });
    path("post", "/applications/{id}/keys/{keyId}/rotate", "rotateApplicationKey", "Replace a key (team DEVELOPER and up): the new key is shown this once, the old one keeps working for graceSeconds", {
      request: { params: applicationKey, headers: creating, body: json(rotateKeyInput) },
      responses: { 201: { description: "Rotated", ...json(keyRotationResource) }, ...errors },
    });
    path("get", "/gateway-credentials", "listGatewayCredentials", "Gateway credentials (platform admins)", {
      responses: { 200: { description: "All gateway credentials", ...json(listOf(gatewayCredentialResource)) }, 401: errors[401], 403: errors[403] },
    });
    path("post", "/gateway-credentials", "createGatewayCredential", "Create a gateway credential (platform admins); the answer holds the secret, shown this once", {
      request: { headers: creating, body: json(createGatewayCredentialInput) },
      responses: { 201: { description: "Created", ...json(newGatewayCredentialResource) }, 401: errors[401], 403: errors[403], 422: errors[422] },
    });
    path("delete", "/gateway-credentials/{id}", "revokeGatewayCredential", "Revoke a gateway credential (platform admins)", {
      request: { params: z.object({ id: z.string() }) },
      responses: { 204: { description: "Revoked" }, 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
    });
  }

  // --- webhooks ---
  {
    const { createWebhookInput, updateWebhookInput, deliveryListQuery } = webhookInputs;
    const Webhook = webhookResource;
    const teamWebhook = slug.extend({ id: z.string().describe("The webhook's id") });
    const signing =
      "Each delivery is a POST with a JSON body `{ id, event, occurredAt, data }` and the headers `Portico-Event`, `Portico-Delivery` (the delivery id), " +
      "`Portico-Timestamp` (unix seconds) and `Portico-Signature: v1=<hex HMAC-SHA256 of \"<timestamp>.<raw body>\" with the webhook's secret>`. " +
      "Answer 2xx within 10 s; anything else is retried after 10 s, 1 min, 5 min, 30 min and 2 h, then the delivery is FAILED. Redirects are not followed.";
    path("get", "/teams/{slug}/webhooks", "listWebhooks", "The team's webhooks (team ADMIN and up); secrets are never listed", {
      request: { params: slug, query: pageQuery },
      responses: { 200: { description: "A page of webhooks", ...json(listOf(Webhook)) }, 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
    });
    path("post", "/teams/{slug}/webhooks", "createWebhook", "Register a webhook (team OWNER); answers its signing secret, once", {
      description: signing,
      request: { params: slug, headers: z.object({ "Idempotency-Key": z.string().optional() }), body: json(createWebhookInput) },
      responses: { 201: { description: "Created. A replay of an Idempotency-Key answers the webhook without its secret (roll it if it was lost).", ...json(webhookWithSecretResource) }, ...errors },
    });
    path("get", "/teams/{slug}/webhooks/{id}", "getWebhook", "One webhook (team ADMIN and up)", {
      request: { params: teamWebhook },
      responses: { 200: { description: "The webhook", ...json(Webhook) }, 401: errors[401], 403: errors[403], 404: errors[404] },
    });
    path("patch", "/teams/{slug}/webhooks/{id}", "updateWebhook", "Change a webhook's URL, description or events, or pause (`active: false`) and resume it (team OWNER)", {
      request: { params: teamWebhook, body: json(updateWebhookInput) },
      responses: { 200: { description: "Updated", ...json(Webhook) }, ...errors },
    });
    path("delete", "/teams/{slug}/webhooks/{id}", "deleteWebhook", "Delete a webhook and its delivery history (team OWNER)", {
      request: { params: teamWebhook },
      responses: { 204: { description: "Deleted" }, 401: errors[401], 403: errors[403], 404: errors[404] },
    });
    path("get", "/teams/{slug}/webhooks/{id}/deliveries", "listWebhookDeliveries", "A webhook's deliveries, newest first, with status, response code, attempts and timings (team ADMIN and up)", {
      request: { params: teamWebhook, query: deliveryListQuery },
      responses: { 200: { description: "A page of deliveries", ...json(listOf(webhookDeliveryResource)) }, 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] },
    });
    path("post", "/teams/{slug}/webhooks/{id}/deliveries/{deliveryId}/redeliver", "redeliverWebhookDelivery", "Send a finished delivery's event again, as a new delivery with the same payload (team OWNER)", {
      request: { params: teamWebhook.extend({ deliveryId: z.string() }) },
      responses: { 202: { description: "The new delivery, queued", ...json(webhookDeliveryResource) }, 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
    });
    path("post", "/teams/{slug}/webhooks/{id}/ping", "pingWebhook", "Queue a `ping` event to this webhook, to check the receiver (team OWNER)", {
      request: { params: teamWebhook },
      responses: { 202: { description: "The ping delivery, queued", ...json(webhookDeliveryResource) }, 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
    });
    path("post", "/teams/{slug}/webhooks/{id}/secret", "rollWebhookSecret", "Replace the signing secret (team OWNER); the old one stops working at once", {
      request: { params: teamWebhook },
      responses: { 200: { description: "The new secret, shown once", ...json(z.object({ secret: z.string() })) }, 401: errors[401], 403: errors[403], 404: errors[404] },
    });
  }

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
