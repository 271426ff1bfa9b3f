import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { listKeys, type ApiKeyView, type KeyStatus } from "@/lib/keys/keys";
import { revokeKeyAction } from "@/app/apps/[id]/key-actions";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Badge, Card, EmptyState, formatDate, formatDateTime } from "@/components/ui/layout";
import { CreateKeyForm } from "./create-key-form";
import { RotateKeyForm } from "./rotate-key-form";

const STATUS: Record<KeyStatus, { tone: "emerald" | "amber" | "slate" | "red"; label: string }> = {
  ACTIVE: { tone: "emerald", label: "active" },
  EXPIRING: { tone: "amber", label: "rotated, still accepted" },
  EXPIRED: { tone: "slate", label: "expired" },
  REVOKED: { tone: "red", label: "revoked" },
};

function expiryText(key: ApiKeyView): string {
  if (key.status === "REVOKED") return `revoked ${formatDateTime(key.revokedAt!)}`;
  if (!key.expiresAt) return "never expires";
  if (key.status === "EXPIRING") return `accepted until ${formatDateTime(key.expiresAt)}`;
  return `${key.status === "EXPIRED" ? "expired" : "expires"} ${formatDate(key.expiresAt)}`;
}

/**
 * The keys card of an application's page: its keys and, for those who may
 * manage them, creating, rotating and revoking. A new key's secret is shown
 * once, by the form that made it.
 */
export async function ApplicationKeys({ applicationId, canManage, hasActiveSubscription }: { applicationId: string; canManage: boolean; hasActiveSubscription: boolean }) {
  const actor = await getSessionActor();
  const { items: keys, nextCursor } = await listKeys(actor, applicationId, { limit: 100 });
  const prefixOf = new Map(keys.map((key) => [key.id, key.prefix]));
  return (
    <Card title="API keys" description="The application sends one of these with every call through the gateway. Portico stores only a hash of each key.">
      <div className="space-y-5">
        {!hasActiveSubscription ? (
          <p className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700">
            Keys need an approved subscription: request access to an API in the{" "}
            <Link href="/apis" className="text-indigo-700 underline">
              catalog
            </Link>
            , and create a key once the request is approved.
          </p>
        ) : canManage ? (
          <CreateKeyForm applicationId={applicationId} />
        ) : null}
        {keys.length === 0 ? (
          <EmptyState title="No keys yet">{hasActiveSubscription && canManage ? "Create one above to start calling the APIs this application is subscribed to." : null}</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="API keys">
            {keys.map((key) => {
              const status = STATUS[key.status];
              const live = key.status === "ACTIVE" || key.status === "EXPIRING";
              const replacement = key.rotatedToId ? prefixOf.get(key.rotatedToId) : undefined;
              return (
                <li key={key.id} className="flex flex-wrap items-start justify-between gap-3 py-3">
                  <div className="min-w-0">
                    <p className="text-sm font-medium text-slate-900">
                      <span className="font-mono">{key.prefix}…</span> {key.name} <Badge tone={status.tone}>{status.label}</Badge>
                    </p>
                    <p className="text-sm text-slate-500">
                      created {formatDate(key.createdAt)}
                      {key.createdBy ? ` by ${key.createdBy.name ?? key.createdBy.email}` : ""} · {expiryText(key)} · {key.lastUsedAt ? `last used ${formatDateTime(key.lastUsedAt)}` : "never used"}
                      {replacement ? (
                        <>
                          {" "}
                          · replaced by <span className="font-mono">{replacement}…</span>
                        </>
                      ) : null}
                    </p>
                  </div>
                  {canManage ? (
                    <div className="flex flex-wrap items-start gap-2">
                      <RotateKeyForm applicationId={applicationId} keyId={key.id} keyName={key.name} rotatable={key.status === "ACTIVE"} />
                      {live ? <ConfirmButton label="Revoke" confirmLabel={`Revoke ${key.name} now`} onConfirm={revokeKeyAction.bind(null, applicationId, key.id)} /> : null}
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
        {nextCursor ? <p className="text-xs text-slate-500">Showing the newest 100 keys. The REST API lists them all.</p> : null}
      </div>
    </Card>
  );
}
