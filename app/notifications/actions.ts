"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/actions/run";
import { markAllRead, setEmailNotifications } from "@/lib/notifications/notify";

export async function markAllReadAction() {
  const result = await runAction((actor) => markAllRead(actor));
  if (result?.ok) revalidatePath("/", "layout");
  return result;
}

export async function setEmailNotificationsAction(enabled: boolean) {
  const result = await runAction(async (actor) => {
    await setEmailNotifications(actor, enabled);
    return { message: enabled ? "You will get these by email too." : "Email copies are off." };
  });
  if (result?.ok) revalidatePath("/notifications");
  return result;
}
