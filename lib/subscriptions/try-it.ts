// Who may try an API from its docs page, and as which application. Trying
// calls the API through the gateway as one of the viewer's applications, so
// it needs what calling with that application's key needs: an ACTIVE
// subscription, and a role in the application's team that may hold its keys
// (key.manage: DEVELOPER and up). A VIEWER reads the application but may not
// get its keys, so it may not call as it either; with POST and DELETE in
// reach, trying is acting, not reading.
import { isKeyless } from "@/lib/apis/keyless";
import { db } from "@/lib/db";
import { AppError, unauthenticated } from "@/lib/errors";
import type { MaybeActor } from "@/lib/authz/actor";
import { can, rolesAtLeast, TEAM_ACTIONS } from "@/lib/authz/permissions";
import { findApplicationForActor } from "@/lib/applications/access";
import { findVisibleApi } from "@/lib/catalog/api-details";
import { signTryItToken } from "@/lib/gateway/try-it-token";

const TRY_IT_ACTION = "key.manage" as const;

/** Where consumers call APIs: GATEWAY_URL, or the gateway `npm start` runs on port 8080. */
export function gatewayUrl(): string {
  return (process.env.GATEWAY_URL || "http://localhost:8080").replace(/\/+$/, "");
}

/** The gateway's body limit, which try-it applies before forwarding too. */
export function tryItMaxBodyBytes(): number {
  const configured = Number(process.env.GATEWAY_MAX_BODY_BYTES);
  return Number.isFinite(configured) && configured > 0 ? configured : 10 * 1024 * 1024;
}

/**
 * What the docs page's "Try it with" picker offers: the viewer's applications
 * (in teams where the viewer may use their keys) with an ACTIVE subscription
 * to the API, and whether the API may be tried without one.
 */
export async function tryItChoices(actor: MaybeActor, slug: string) {
  const { api } = await findVisibleApi(actor, slug);
  const keyless = isKeyless(api);
  if (!actor) return { signedIn: false, keyless, applications: [] };
  const applications = await db.application.findMany({
    where: {
      archivedAt: null,
      subscriptions: { some: { apiId: api.id, status: "ACTIVE" } },
      team: { memberships: { some: { userId: actor.userId, role: { in: rolesAtLeast(TEAM_ACTIONS[TRY_IT_ACTION]) } } } },
    },
    select: { id: true, name: true, environment: true, team: { select: { slug: true, name: true } } },
    orderBy: [{ team: { name: "asc" } }, { name: "asc" }],
  });
  return { signedIn: true, keyless, applications };
}

const notYourApplication = () =>
  new AppError("forbidden", "This application is not one of yours: trying an API as an application needs the DEVELOPER role or higher in the application's team.", { code: "try-it-not-your-application" });

/**
 * Checks one try-it call and answers the header that authenticates it at the
 * gateway: a short-lived token naming the application and the API (no key:
 * Portico keeps only key hashes), or, for a keyless API tried without an
 * application, the viewer and the API (the gateway limits each viewer
 * apart). An application that is unknown and one of another team are
 * refused alike, so application ids reveal nothing.
 */
export async function authorizeTryIt(actor: MaybeActor, slug: string, applicationId: string | null, secret: string) {
  if (!actor) throw unauthenticated();
  const { api } = await findVisibleApi(actor, slug);
  if (!applicationId) {
    if (isKeyless(api)) return { apiId: api.id, token: signTryItToken({ viewerId: actor.userId, apiId: api.id }, secret) };
    throw new AppError("forbidden", `Trying ${api.name} needs one of your applications with an active subscription: choose it under "Try it with", or request access at /apis/${api.slug}/access.`, { code: "try-it-needs-application" });
  }
  if (applicationId.length > 100) throw notYourApplication();
  const found = await findApplicationForActor(actor, applicationId).catch((error: unknown) => {
    throw error instanceof AppError && error.kind === "not-found" ? notYourApplication() : error;
  });
  if (!can(actor, TRY_IT_ACTION, found.context)) throw notYourApplication();
  const { application } = found;
  if (application.archivedAt) throw new AppError("forbidden", `${application.name} is archived: it cannot call APIs.`, { code: "application-archived" });
  const subscription = await db.subscription.findFirst({ where: { applicationId: application.id, apiId: api.id, status: "ACTIVE" }, select: { id: true } });
  if (!subscription) {
    throw new AppError("forbidden", `${application.name} has no active subscription to ${api.name}: request access at /apis/${api.slug}/access, or choose another application.`, { code: "try-it-not-subscribed" });
  }
  return { apiId: api.id, token: signTryItToken({ applicationId: application.id, apiId: api.id }, secret) };
}
