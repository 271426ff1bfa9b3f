import { requireSessionActor } from "@/lib/auth/session";
import { listPersonalAccessTokens } from "@/lib/tokens/personal-access-tokens";
import { loadPage } from "@/lib/pages/guard";
import { revokeTokenAction } from "@/app/settings/actions";
import { CreateTokenForm } from "@/components/settings/create-token-form";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Badge, Card, EmptyState, PageHeader, formatDate, formatDateTime } from "@/components/ui/layout";

export const metadata = { title: "Access tokens" };

function status(token: { revokedAt: Date | null; expiresAt: Date | null }) {
  if (token.revokedAt) return <Badge tone="red">revoked</Badge>;
  if (token.expiresAt && token.expiresAt <= new Date()) return <Badge tone="amber">expired</Badge>;
  return <Badge tone="emerald">active</Badge>;
}

export default async function TokensPage() {
  const tokens = await loadPage(async () => listPersonalAccessTokens(await requireSessionActor()), "/settings/tokens");
  return (
    <>
      <PageHeader title="Personal access tokens" description="Tokens act as you on the REST API (/api/v1) for scripts and CI. Send one as Authorization: Bearer <token>." />
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_22rem]">
        <Card title="Your tokens">
          {tokens.length === 0 ? (
            <EmptyState title="No tokens yet">Create one to call the API from a script.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100" aria-label="Your tokens">
              {tokens.map((token) => (
                <li key={token.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                  <div>
                    <p className="text-sm font-medium text-slate-900">
                      {token.name} {status(token)}
                    </p>
                    <p className="text-sm text-slate-500">
                      <span className="font-mono">{token.prefix}…</span> · created {formatDate(token.createdAt)} · {token.expiresAt ? `expires ${formatDate(token.expiresAt)}` : "never expires"} · {token.lastUsedAt ? `last used ${formatDateTime(token.lastUsedAt)}` : "never used"}
                    </p>
                  </div>
                  {token.revokedAt ? null : <ConfirmButton label="Revoke" confirmLabel={`Revoke ${token.name}`} onConfirm={revokeTokenAction.bind(null, token.id)} />}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="New token">
          <CreateTokenForm />
        </Card>
      </div>
    </>
  );
}
