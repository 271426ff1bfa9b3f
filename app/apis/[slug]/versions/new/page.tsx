import { getSessionActor } from "@/lib/auth/session";
import { getApiOverview } from "@/lib/catalog/api-details";
import { loadPage } from "@/lib/pages/guard";
import { can } from "@/lib/authz/permissions";
import { forbidden } from "next/navigation";
import { UploadForm } from "@/components/versions/upload-form";
import { Card, PageHeader } from "@/components/ui/layout";

export const metadata = { title: "Upload a version" };

export default async function UploadVersionPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const actor = await getSessionActor();
  const { api, viewerRole } = await loadPage(() => getApiOverview(actor, slug), `/apis/${slug}/versions/new`);
  if (!actor || !can(actor, "version.upload", { teamId: api.team.id, role: viewerRole })) forbidden();
  return (
    <>
      <PageHeader breadcrumbs={[{ href: "/apis", label: "Catalog" }, { href: `/apis/${api.slug}`, label: api.name }]} title={`Upload a version of ${api.name}`} description="It is checked, linted and compared with the last released version before anything is stored. It starts as a draft." />
      <Card>
        <UploadForm slug={api.slug} />
      </Card>
    </>
  );
}
