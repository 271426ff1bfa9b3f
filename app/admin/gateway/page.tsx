import { getSessionActor } from "@/lib/auth/session";
import { listGatewayCredentials } from "@/lib/keys/gateway-credentials";
import { loadPage } from "@/lib/pages/guard";
import { revokeGatewayCredentialAction } from "./actions";
import { CreateGatewayCredentialForm } from "@/components/keys/create-gateway-credential-form";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Badge, Card, EmptyState, PageHeader, formatDate, formatDateTime } from "@/components/ui/layout";

export const metadata = { title: "Gateway credentials" };

export default async function GatewayCredentialsPage() {
  const actor = await getSessionActor();
  const credentials = await loadPage(() => listGatewayCredentials(actor), "/admin/gateway");
  return (
    <>
      <PageHeader
        breadcrumbs={[{ href: "/admin", label: "Admin" }]}
        title="Gateway credentials"
        description="Each gateway process authenticates to Portico with one of these (Authorization: Bearer ptc_gw_…) to check consumers' API keys. Give each deployment its own, so one can be revoked alone."
      />
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_22rem]">
        <Card title="Credentials">
          {credentials.length === 0 ? (
            <EmptyState title="No gateway credentials yet">Create one and give it to the gateway as its service credential.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100" aria-label="Gateway credentials">
              {credentials.map((credential) => (
                <li key={credential.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                  <div>
                    <p className="text-sm font-medium text-slate-900">
                      {credential.name} {credential.revokedAt ? <Badge tone="red">revoked</Badge> : <Badge tone="emerald">active</Badge>}
                    </p>
                    <p className="text-sm text-slate-500">
                      <span className="font-mono">{credential.prefix}…</span> · created {formatDate(credential.createdAt)}
                      {credential.createdBy ? ` by ${credential.createdBy.name ?? credential.createdBy.email}` : ""} · {credential.lastUsedAt ? `last used ${formatDateTime(credential.lastUsedAt)}` : "never used"}
                      {credential.revokedAt ? ` · revoked ${formatDateTime(credential.revokedAt)}` : ""}
                    </p>
                  </div>
                  {credential.revokedAt ? null : <ConfirmButton label="Revoke" confirmLabel={`Revoke ${credential.name}`} onConfirm={revokeGatewayCredentialAction.bind(null, credential.id)} />}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="New credential">
          <CreateGatewayCredentialForm />
        </Card>
      </div>
    </>
  );
}
