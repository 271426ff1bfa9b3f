import { createHash, randomUUID } from "node:crypto";
import { getServerSession } from "next-auth";
import type { z } from "zod";
import { db } from "@/lib/db";
import { AppError, isUniqueViolation, unauthenticated } from "@/lib/errors";
import type { Actor, MaybeActor } from "@/lib/authz/actor";
import { authOptions } from "@/lib/auth/options";
import { actorForUser } from "@/lib/auth/session";
import { authenticatePersonalAccessToken } from "@/lib/tokens/personal-access-tokens";
import { authenticateGatewayCredential, type GatewayCaller } from "@/lib/keys/gateway-credentials";
import { jsonResponse, toJsonText } from "./json";
import { PROBLEM_CONTENT_TYPE, toProblem, zodToAppError } from "./problem";

const MAX_BODY_BYTES = 1_000_000;
const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface RouteContext<Params> {
  request: Request;
  params: Params;
  actor: MaybeActor;
  requestId: string;
  url: URL;
}

interface RouteOptions {
  /**
   * "required": 401 without credentials. "optional": anonymous callers get actor = null.
   * "gateway": only a gateway credential, never a person (actor = null, gateway set).
   */
  auth: "required" | "optional" | "gateway";
}

type Handler<Params> = (context: RouteContext<Params>) => Promise<Response>;
type AuthedHandler<Params> = (context: RouteContext<Params> & { actor: Actor }) => Promise<Response>;
type GatewayHandler<Params> = (context: RouteContext<Params> & { actor: null; gateway: GatewayCaller }) => Promise<Response>;

async function resolveGateway(request: Request): Promise<GatewayCaller> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  const gateway = match ? await authenticateGatewayCredential(match[1]) : null;
  if (!gateway) {
    throw new AppError("unauthenticated", "This endpoint is for Portico's gateway: send Authorization: Bearer <gateway credential>.", { code: "invalid-gateway-credential" });
  }
  return gateway;
}

async function resolveActor(request: Request, requestId: string): Promise<MaybeActor> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const user = match ? await authenticatePersonalAccessToken(match[1]) : null;
    if (!user) throw new AppError("unauthenticated", "The bearer token is invalid, expired or revoked.", { code: "invalid-token" });
    return { userId: user.id, email: user.email, name: user.name, platformRole: user.platformRole, requestId, via: "token" };
  }
  const session = await getServerSession(authOptions);
  const userId = (session?.user as { id?: string } | undefined)?.id;
  if (!userId) return null;
  // A browser session may change data only from Portico's own pages (CSRF).
  if (UNSAFE_METHODS.has(request.method)) {
    const origin = request.headers.get("origin");
    if (!origin || origin !== new URL(request.url).origin) {
      throw new AppError("forbidden", "Cross-site request refused: use a personal access token.", { code: "cross-site" });
    }
  }
  return actorForUser(userId, requestId, "session");
}

export function problemResponse(error: unknown, requestId: string, instance?: string): Response {
  const problem = toProblem(error, requestId, instance);
  const headers: Record<string, string> = { "content-type": PROBLEM_CONTENT_TYPE, "x-request-id": requestId };
  if (problem.status === 401) headers["www-authenticate"] = 'Bearer realm="portico"';
  return new Response(toJsonText(problem), { status: problem.status, headers });
}

/**
 * Every /api/v1 route handler goes through here: request id, caller, errors as
 * problem+json. A route handler without it should look wrong.
 */
export function apiRoute<Params = Record<string, never>>(options: { auth: "required" }, handler: AuthedHandler<Params>): (request: Request, segment: { params: Promise<Params> }) => Promise<Response>;
export function apiRoute<Params = Record<string, never>>(options: { auth: "optional" }, handler: Handler<Params>): (request: Request, segment: { params: Promise<Params> }) => Promise<Response>;
export function apiRoute<Params = Record<string, never>>(options: { auth: "gateway" }, handler: GatewayHandler<Params>): (request: Request, segment: { params: Promise<Params> }) => Promise<Response>;
export function apiRoute<Params>(options: RouteOptions, handler: Handler<Params> | AuthedHandler<Params> | GatewayHandler<Params>) {
  return async (request: Request, segment: { params: Promise<Params> }) => {
    const incoming = request.headers.get("x-request-id");
    const requestId = incoming && /^[\w.:-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    const url = new URL(request.url);
    try {
      // A gateway route never looks at sessions or personal tokens: a person is not a gateway.
      const caller = options.auth === "gateway" ? { actor: null, gateway: await resolveGateway(request) } : { actor: await resolveActor(request, requestId) };
      if (options.auth === "required" && !caller.actor) throw unauthenticated();
      const response = await (handler as Handler<Params>)({ request, params: await segment.params, requestId, url, ...caller });
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      return problemResponse(error, requestId, url.pathname);
    }
  };
}

const payloadTooLarge = (limit: number) => new AppError("payload-too-large", `The body may be at most ${limit} bytes.`);

/**
 * A body as bytes, never decoded or parsed: 413 as soon as it goes over the
 * limit, and its SHA-256 computed as it arrives (for Idempotency-Key), so no
 * pass over a large body blocks the event loop.
 */
export async function readBytes(request: Request, limit: number): Promise<{ chunks: Uint8Array[]; sha256: string }> {
  if (Number(request.headers.get("content-length") ?? 0) > limit) throw payloadTooLarge(limit);
  const hash = createHash("sha256");
  const chunks: Uint8Array[] = [];
  if (!request.body) return { chunks, sha256: hash.digest("hex") };
  const reader = request.body.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > limit) {
      reader.cancel().catch(() => undefined);
      throw payloadTooLarge(limit);
    }
    hash.update(value);
    chunks.push(value);
  }
  return { chunks, sha256: hash.digest("hex") };
}

/** Reads and validates a JSON body: 413 over the limit, 400 for broken JSON, 422 for invalid fields. */
export async function readJson<Schema extends z.ZodType>(request: Request, schema: Schema, options: { maxBytes?: number } = {}): Promise<z.output<Schema>> {
  const limit = options.maxBytes ?? MAX_BODY_BYTES;
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) throw payloadTooLarge(limit);
  const text = await request.text();
  if (Buffer.byteLength(text) > limit) throw payloadTooLarge(limit);
  let body: unknown;
  try {
    body = text.length ? JSON.parse(text) : {};
  } catch {
    throw new AppError("bad-request", "The body is not valid JSON.", { code: "malformed-json" });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw zodToAppError(parsed.error);
  return parsed.data;
}

/** Parses query parameters with a schema (422 with a pointer per bad parameter). */
export function readQuery<Schema extends z.ZodType>(url: URL, schema: Schema): z.output<Schema> {
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw zodToAppError(parsed.error);
  return parsed.data;
}

// A first request still "in progress" after this long died mid-way: retries may run again.
const ABANDONED_AFTER_MS = 60_000;

interface StoredAnswer {
  body: unknown;
  location: string | null;
}

/**
 * Runs a creating call at most once per `Idempotency-Key`: a retry with the
 * same key and body gets the first answer back; a different body is a 422;
 * a retry while the first is still running is a 409.
 */
export async function idempotent(context: RouteContext<unknown> & { actor: Actor }, body: unknown, create: () => Promise<Response>): Promise<Response> {
  const key = context.request.headers.get("idempotency-key");
  if (!key) return create();
  if (key.length > 200) throw new AppError("validation", "Idempotency-Key may be at most 200 characters.", { errors: [{ pointer: "", detail: "Idempotency-Key too long" }] });
  const requestHash = createHash("sha256").update(`${context.request.method} ${context.url.pathname}\n${toJsonText(body)}`).digest("hex");
  const where = { userId_key: { userId: context.actor.userId, key } };
  try {
    await db.idempotencyRecord.create({ data: { userId: context.actor.userId, key, requestHash, status: 0, body: {} } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const previous = await db.idempotencyRecord.findUnique({ where });
    if (!previous) throw error;
    if (previous.requestHash !== requestHash) {
      throw new AppError("validation", "This Idempotency-Key was used with a different request.", { code: "idempotency-key-reused" });
    }
    if (previous.status === 0) {
      if (Date.now() - previous.createdAt.getTime() < ABANDONED_AFTER_MS) {
        throw new AppError("conflict", "A request with this Idempotency-Key is still being processed.", { code: "idempotency-in-progress" });
      }
      // The first attempt died without an answer: take the key over (once; a race here is a 409).
      const { count } = await db.idempotencyRecord.deleteMany({ where: { id: previous.id, status: 0 } });
      if (count === 0) throw new AppError("conflict", "A request with this Idempotency-Key is still being processed.", { code: "idempotency-in-progress" });
      return idempotent(context, body, create);
    }
    const answer = previous.body as unknown as StoredAnswer;
    const headers: Record<string, string> = { "idempotent-replayed": "true" };
    if (answer.location) headers.location = answer.location;
    return jsonResponse(answer.body, { status: previous.status, headers });
  }
  try {
    const response = await create();
    if (response.status < 300) {
      const answer: StoredAnswer = { body: await response.clone().json(), location: response.headers.get("location") };
      await db.idempotencyRecord.update({ where, data: { status: response.status, body: answer as object } });
    } else {
      await db.idempotencyRecord.delete({ where });
    }
    return response;
  } catch (error) {
    await db.idempotencyRecord.delete({ where });
    throw error;
  }
}

export { jsonResponse };
