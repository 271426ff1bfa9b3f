import { z, ZodError } from "zod";
import { db } from "@/lib/db";
import { AppError, conflict, forbidden, prismaErrorCode, unauthenticated } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { LifecycleState, Visibility } from "@/lib/generated/prisma/enums";
import { recordAudit } from "@/lib/audit/record";
import { can, isPlatformAdmin } from "@/lib/authz/permissions";
import { findVisibleApi } from "@/lib/catalog/api-details";
import type { Actor, MaybeActor } from "@/lib/authz/actor";
import { parseVersion, storeVersion } from "@/lib/catalog/versions";
import { toJsonText } from "@/lib/http/json";
import { toAppError } from "@/lib/http/problem";
import { runUploadProcess, type UploadRefusal } from "@/lib/specs/check";
import type { OpenApiDocument } from "@/lib/specs/operations";

export const uploadInput = z.object({
  /** The document as text: JSON or YAML; OpenAPI 3.0, 3.1 or Swagger 2.0. */
  source: z.string().min(1, "Paste or choose an OpenAPI document."),
  /** Defaults to the document's info.version. */
  version: z.string().trim().max(100).optional().transform((value) => value || undefined),
  upstreamUrl: z
    .string()
    .trim()
    .url("Give the upstream as an absolute URL.")
    .refine((url) => /^https?:\/\//.test(url), "The upstream must be http(s).")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  changelog: z.string().max(50_000).optional().transform((value) => value || undefined),
});
export type UploadInput = z.input<typeof uploadInput>;

/** Everything but the document: what comes beside a document sent as the body itself (query parameters). */
export const uploadFields = uploadInput.omit({ source: true });
export type UploadFields = z.input<typeof uploadFields>;

/** The API an upload goes to, as the web server found it for the caller. */
export interface UploadTarget {
  id: string;
  slug: string;
  name: string;
  teamId: string;
  visibility: Visibility;
}

/**
 * What the web server hands to the upload process before the body:
 * "envelope" when the body is the REST JSON body ({ source, version, ... }),
 * "document" when the body is the document itself and `fields` the rest.
 */
export interface UploadJob {
  actor: Actor;
  api: UploadTarget;
  body: "envelope" | "document";
  fields?: UploadFields;
  /** "full": the REST answer (both reports) follows the summary; "summary": nothing follows. */
  answer: "full" | "summary";
}

/** The upload process's small answer: all a caller needs besides the reports. */
export interface UploadSummary {
  id: string;
  api: string;
  version: string;
  state: LifecycleState;
  lint: { errors: number; warnings: number };
  changes: { againstVersion: string | null; breaking: number; nonBreaking: number; annotation: number };
}

/**
 * The checks an upload passes before its body is read: signed in, the API
 * visible to the caller (404 otherwise), and a DEVELOPER (or up) of its team
 * (403 otherwise). Cheap: the web server runs them, so a refused caller never
 * waits for a document to be read or checked.
 */
export async function authorizeUpload(actor: MaybeActor, slug: string): Promise<UploadTarget> {
  if (!actor) throw unauthenticated();
  const { api, role } = await findVisibleApi(actor, slug);
  if (!can(actor, "version.upload", { teamId: api.teamId, role })) {
    throw forbidden(isPlatformAdmin(actor) ? "Not allowed." : "Only the owner team's developers (and up) upload versions.");
  }
  return { id: api.id, slug: api.slug, name: api.name, teamId: api.teamId, visibility: api.visibility };
}

/**
 * Uploads a new DRAFT version from a body as received: the REST JSON body
 * ("envelope") or the document itself with the other fields beside it. The
 * caller has run authorizeUpload. Everything else happens in the upload
 * process (storeUpload): the web server only passes bytes along.
 */
export async function uploadVersionBody(actor: Actor, target: UploadTarget, body: { kind: "envelope" | "document"; fields?: UploadFields; chunks: Iterable<Uint8Array> }, answer: UploadJob["answer"]) {
  const job: UploadJob = { actor, api: target, body: body.kind, fields: body.fields, answer };
  return runUploadProcess<UploadSummary>(job, body.chunks);
}

/**
 * Uploads a new DRAFT version: parses and validates the document (nothing is
 * stored when that fails), lints it against the governance rules, compares it
 * with the previous released version, and stores all three reports with it.
 * Answers the summary; the reports are stored with the version.
 */
export async function uploadVersion(actor: MaybeActor, slug: string, rawInput: UploadInput): Promise<UploadSummary> {
  if (!actor) throw unauthenticated();
  uploadInput.parse(rawInput);
  const target = await authorizeUpload(actor, slug);
  const { source, ...fields } = rawInput;
  const job: UploadJob = { actor, api: target, body: "document", fields, answer: "summary" };
  return (await runUploadProcess<UploadSummary>(job, source)).summary;
}

// ---------------------------------------------------------------------------
// In the upload process (scripts/store-version.ts)

function readEnvelope(body: Uint8Array): z.output<typeof uploadInput> {
  // As Request.text() reads a body: UTF-8, a byte order mark dropped.
  const text = new TextDecoder().decode(body);
  let parsed: unknown;
  try {
    parsed = text.length ? JSON.parse(text) : {};
  } catch {
    throw new AppError("bad-request", "The body is not valid JSON.", { code: "malformed-json" });
  }
  return uploadInput.parse(parsed);
}

/**
 * The whole upload after the permission checks, in the upload process: reads
 * the body, parses, validates and lints the document, compares it with the
 * previous released version, and stores the version with its reports, its
 * operations, a LifecycleEvent and an AuditEvent in one transaction (which
 * takes the API's row lock, in storeVersion).
 */
export async function storeUpload(job: UploadJob, body: Uint8Array): Promise<{ summary: UploadSummary; answer: string | null }> {
  // Loaded here, not with this module: the web server imports it too (for
  // authorizeUpload), and loading the linter there would stall its event
  // loop at the first upload for a linter it never runs.
  const [{ parseSpec }, { lintSpec }, { changelogMarkdown, diffSpecs }, { previousReleased }, { governanceSettings }] = await Promise.all([
    import("@/lib/specs/parse"),
    import("@/lib/specs/lint"),
    import("@/lib/specs/diff"),
    import("@/lib/lifecycle/apply"),
    import("./governance"),
  ]);
  const { actor, api } = job;
  // A document as sent, byte order mark and all: it is stored as it came.
  const input = job.body === "envelope" ? readEnvelope(body) : uploadInput.parse({ ...job.fields, source: new TextDecoder("utf-8", { ignoreBOM: true }).decode(body) });

  const governance = await governanceSettings();
  const parsed = await parseSpec(input.source);
  const lintReport = await lintSpec(parsed, governance.rules, { visibility: api.visibility, rulesets: governance.rulesets });
  const version = input.version ?? String(parsed.document.info?.version ?? "");
  if (!version) throw new AppError("validation", "The document has no info.version: give the version explicitly.", { errors: [{ pointer: "/version", detail: "required" }] });
  parseVersion(version);
  if (await db.apiVersion.findUnique({ where: { apiId_version: { apiId: api.id, version } }, select: { id: true } })) {
    throw conflict(`Version ${version} of ${api.name} already exists: versions are immutable, upload a new version number.`, "version-exists");
  }

  const previous = await previousReleased(db, api.id, version);
  const diff = previous ? diffSpecs(previous.openapiDocument as unknown as OpenApiDocument, parsed.document) : null;
  const changeReport = diff ? { againstVersion: previous!.version, ...diff } : { againstVersion: null, breaking: 0, nonBreaking: 0, annotation: 0, changes: [] };
  const changelog = input.changelog ?? (diff ? changelogMarkdown(diff, previous!.version, version) : null);
  const upstreamUrl =
    input.upstreamUrl ??
    (await db.apiVersion.findFirst({ where: { apiId: api.id, upstreamUrl: { not: null } }, orderBy: { createdAt: "desc" }, select: { upstreamUrl: true } }))?.upstreamUrl ??
    null;

  let created: { id: string; state: LifecycleState };
  try {
    created = await db.$transaction(async (tx) => {
      const stored = await storeVersion(tx, {
        apiId: api.id,
        version,
        document: parsed.document,
        sourceText: parsed.sourceText,
        sourceFormat: parsed.format,
        state: "DRAFT",
        upstreamUrl,
        changelog,
        createdById: actor.userId,
        lintReport: lintReport as unknown as Prisma.InputJsonValue,
        changeReport: changeReport as unknown as Prisma.InputJsonValue,
      });
      await tx.lifecycleEvent.create({ data: { versionId: stored.id, from: null, to: "DRAFT", actorId: actor.userId } });
      await recordAudit(tx, {
        actor,
        teamId: api.teamId,
        action: "version.uploaded",
        target: { type: "api_version", id: stored.id },
        after: { api: api.slug, version, lintErrors: lintReport.errors, lintWarnings: lintReport.warnings, breaking: changeReport.breaking, converted: parsed.converted },
      });
      return stored;
      // Storing a large document (GitHub's: 13 MB, 1,223 operations) takes longer than Prisma's default 5 s.
    }, { timeout: 60_000 });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw conflict(`Version ${version} was uploaded a moment ago.`, "version-exists");
    throw error;
  }

  const summary: UploadSummary = {
    id: created.id,
    api: api.slug,
    version,
    state: created.state,
    lint: { errors: lintReport.errors, warnings: lintReport.warnings },
    changes: { againstVersion: changeReport.againstVersion, breaking: changeReport.breaking, nonBreaking: changeReport.nonBreaking, annotation: changeReport.annotation },
  };
  const answer = job.answer === "full" ? toJsonText({ id: created.id, api: api.slug, version, state: created.state, lintReport, changeReport }) : null;
  return { summary, answer };
}

/**
 * A refusal as the web server would have answered it, had it been thrown
 * there; null for anything unexpected (the upload process then fails, and the
 * web server logs it and answers generically).
 */
export function uploadRefusal(error: unknown): UploadRefusal | null {
  const code = prismaErrorCode(error);
  if (!(error instanceof AppError || error instanceof ZodError || code === "P2002" || code === "P2025")) return null;
  const known = toAppError(error);
  return { kind: known.kind, code: known.code, message: known.message, errors: known.errors };
}
