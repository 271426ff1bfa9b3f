// Try-it from the docs page: same origin as the page (no CORS set-up
// anywhere), a signed-in viewer, one of their applications with an ACTIVE
// subscription (header x-portico-application; none for a keyless API), then
// on to {GATEWAY_URL}/{slug}/{version}/{path}{query} with a try-it token.
// Not an apiRoute: personal access tokens are not accepted here, and an
// Authorization header belongs to the upstream.
import { randomUUID } from "node:crypto";
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { actorForUser } from "@/lib/auth/session";
import { unauthenticated } from "@/lib/errors";
import { tryItSecret } from "@/lib/gateway/try-it-token";
import { problemResponse } from "@/lib/http/route";
import { authorizeTryIt, gatewayUrl, tryItMaxBodyBytes } from "@/lib/subscriptions/try-it";
import { APPLICATION_HEADER, assertSameOrigin, forwardToGateway, problem } from "../../../forward";

export const dynamic = "force-dynamic";

type Segment = { params: Promise<{ slug: string; version: string; path?: string[] }> };

async function tryIt(request: Request, segment: Segment): Promise<Response> {
  const incoming = request.headers.get("x-request-id");
  const requestId = incoming && /^[\w.:-]{1,100}$/.test(incoming) ? incoming : randomUUID();
  const url = new URL(request.url);
  try {
    assertSameOrigin(request);
    const userId = ((await getServerSession(authOptions))?.user as { id?: string } | undefined)?.id;
    const actor = userId ? await actorForUser(userId, requestId, "session") : null;
    if (!actor) throw unauthenticated();
    const secret = tryItSecret();
    if (!secret) return problem(503, "try-it-unavailable", "Service Unavailable", "Try-it is not set up: Portico and the gateway need the same PORTICO_SECRET_KEY (or NEXTAUTH_SECRET).", requestId);
    const { slug, version } = await segment.params;
    const grant = await authorizeTryIt(actor, slug, request.headers.get(APPLICATION_HEADER), secret);
    // The rest of the path as the browser encoded it: decoding and re-encoding could change what the upstream sees.
    const rest = url.pathname.split("/").slice(5).join("/");
    const target = `${gatewayUrl()}/${encodeURIComponent(slug)}/${encodeURIComponent(version)}/${rest}${url.search}`;
    const response = await forwardToGateway(request, { target, token: grant.token, requestId, maxBodyBytes: tryItMaxBodyBytes() });
    if (!response.headers.has("x-request-id")) response.headers.set("x-request-id", requestId);
    return response;
  } catch (error) {
    return problemResponse(error, requestId, url.pathname);
  }
}

export const GET = tryIt;
export const HEAD = tryIt;
export const POST = tryIt;
export const PUT = tryIt;
export const PATCH = tryIt;
export const DELETE = tryIt;
export const OPTIONS = tryIt;
