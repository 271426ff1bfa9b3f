// The REST shape of an API's settings, in the same flat fields PATCH
// /apis/{slug} takes, and of one version's upstream.
import { z } from "zod";
import { lifecycleState, visibility } from "@/lib/rest/schemas";

export const versionUpstreamResource = z
  .object({
    api: z.string().describe("The API's slug"),
    version: z.string(),
    state: lifecycleState,
    upstreamUrl: z.string().nullable().describe("Where the gateway forwards this version's calls; null: none yet (the gateway answers 502)"),
  })
  .meta({ id: "VersionUpstream" });
export type VersionUpstreamResource = z.infer<typeof versionUpstreamResource>;

export const apiSettingsResource = z
  .object({
    slug: z.string(),
    name: z.string(),
    summary: z.string(),
    description: z.string().describe("Markdown"),
    visibility,
    tags: z.array(z.string()),
    category: z.string().nullable(),
    contactEmail: z.string().nullable(),
    minNoticeDays: z.number().int().describe("The least number of days between deprecating a version and its sunset"),
    keyless: z.boolean().describe("Anyone may call without a key; calls are limited per client address. PUBLIC APIs only"),
    cacheEnabled: z.boolean().describe("The gateway caches GET responses per consuming application; upstream Cache-Control no-store and private are respected"),
    cacheTtlSeconds: z.number().int(),
    versions: z.array(versionUpstreamResource.omit({ api: true })),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "ApiSettings" });
export type ApiSettingsResource = z.infer<typeof apiSettingsResource>;

type VersionRow = { version: string; state: VersionUpstreamResource["state"]; upstreamUrl: string | null };

export function toVersionUpstreamResource(row: VersionRow & { api: string }): VersionUpstreamResource {
  return { api: row.api, version: row.version, state: row.state, upstreamUrl: row.upstreamUrl };
}

export function toApiSettingsResource(api: {
  slug: string; name: string; summary: string; description: string; visibility: ApiSettingsResource["visibility"]; tags: string[]; category: string | null; contactEmail: string | null;
  minNoticeDays: number; keyless: boolean; cacheEnabled: boolean; cacheTtlSeconds: number; updatedAt: Date; versions: VersionRow[];
}): ApiSettingsResource {
  return {
    slug: api.slug,
    name: api.name,
    summary: api.summary,
    description: api.description,
    visibility: api.visibility,
    tags: api.tags,
    category: api.category,
    contactEmail: api.contactEmail,
    minNoticeDays: api.minNoticeDays,
    keyless: api.keyless,
    cacheEnabled: api.cacheEnabled,
    cacheTtlSeconds: api.cacheTtlSeconds,
    versions: api.versions.map((v) => ({ version: v.version, state: v.state, upstreamUrl: v.upstreamUrl })),
    updatedAt: api.updatedAt.toISOString(),
  };
}
