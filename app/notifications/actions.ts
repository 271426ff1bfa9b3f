"use server";

import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/actions/run";
import { markAllRead } from "@/lib/notifications/notify";

export async function markAllReadAction() {
  const result = await runAction((actor) => markAllRead(actor));
  if (result?.ok) revalidatePath("/", "layout");
  return result;
}
