"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { runAction } from "@/lib/actions/run";
import { archiveApplication, createApplication, updateApplication } from "@/lib/applications/applications";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");
const environment = (form: FormData) => (text(form, "environment") === "PRODUCTION" ? "PRODUCTION" : "SANDBOX");

export async function createApplicationAction(returnTo: string | null, _previous: unknown, form: FormData) {
  let id = "";
  const result = await runAction(async (actor) => {
    const application = await createApplication(actor, { team: text(form, "team"), name: text(form, "name"), description: text(form, "description"), environment: environment(form) });
    id = application.id;
  });
  if (result?.ok) {
    revalidatePath("/apps");
    // From the request-access page, go back there with the new application chosen.
    redirect(returnTo && returnTo.startsWith("/apis/") ? `${returnTo}?application=${id}` : `/apps/${id}`);
  }
  return result;
}

export async function updateApplicationAction(applicationId: string, _previous: unknown, form: FormData) {
  const result = await runAction(async (actor) => {
    await updateApplication(actor, applicationId, { name: text(form, "name"), description: text(form, "description"), environment: environment(form) });
    return { message: "Application saved." };
  });
  if (result?.ok) revalidatePath(`/apps/${applicationId}`);
  return result;
}

export async function archiveApplicationAction(applicationId: string) {
  const result = await runAction(async (actor) => {
    const { revokedKeys, closedSubscriptions } = await archiveApplication(actor, applicationId);
    return { message: `Archived: ${revokedKeys} key(s) revoked, ${closedSubscriptions} subscription(s) cancelled.` };
  });
  if (result?.ok) revalidatePath(`/apps/${applicationId}`);
  return result;
}
