import { z } from "zod";
import { db } from "@/lib/db";
import { AppError, conflict, forbidden, unauthenticated } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { recordAudit } from "@/lib/audit/record";
import { can, isPlatformAdmin } from "@/lib/authz/permissions";
import { findVisibleApi } from "@/lib/catalog/api-details";
import type { MaybeActor } from "@/lib/authz/actor";
import { parseVersion, storeVersion } from "@/lib/catalog/versions";
import { previousReleased } from "@/lib/lifecycle/apply";
import { checkSpec } from "@/lib/specs/check";
import { changelogMarkdown, diffSpecs } from "@/lib/specs/diff";
import type { OpenApiDocument } from "@/lib/specs/operations";
import { governanceSettings } from "./governance";

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

/**
 * Uploads a new DRAFT version: parses and validates the document (nothing is
 * stored when that fails), lints it against the governance rules, compares it
 * with the previous released version, and stores all three reports with it.
 */
export async function uploadVersion(actor: MaybeActor, slug: string, rawInput: UploadInput) {
  if (!actor) throw unauthenticated();
  const input = uploadInput.parse(rawInput);
  const { api, role } = await findVisibleApi(actor, slug);
  if (!can(actor, "version.upload", { teamId: api.teamId, role })) {
    throw forbidden(isPlatformAdmin(actor) ? "Not allowed." : "Only the owner team's developers (and up) upload versions.");
  }

  // Parsing and linting a large document takes seconds of CPU: a child process does it.
  const { parsed, lintReport } = await checkSpec(input.source, await governanceSettings(), api.visibility);
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

  try {
    return await db.$transaction(async (tx) => {
      const created = await storeVersion(tx, {
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
      await tx.lifecycleEvent.create({ data: { versionId: created.id, from: null, to: "DRAFT", actorId: actor.userId } });
      await recordAudit(tx, {
        actor,
        teamId: api.teamId,
        action: "version.uploaded",
        target: { type: "api_version", id: created.id },
        after: { api: api.slug, version, lintErrors: lintReport.errors, lintWarnings: lintReport.warnings, breaking: changeReport.breaking, converted: parsed.converted },
      });
      return { id: created.id, api: api.slug, version, state: created.state, lintReport, changeReport };
      // Storing a large document (GitHub's: 13 MB, 1,223 operations) takes longer than Prisma's default 5 s.
    }, { timeout: 60_000 });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw conflict(`Version ${version} was uploaded a moment ago.`, "version-exists");
    throw error;
  }
}
