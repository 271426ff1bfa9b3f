import { z } from "zod";
import { pageQuery } from "@/lib/http/pagination";
import { WEBHOOK_EVENTS } from "./events";
import { DELIVERY_STATUSES } from "./deliver";

const events = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1, "Choose at least one event.")
  .transform((list) => [...new Set(list)])
  .describe("The events this webhook receives");

export const createWebhookInput = z.object({
  url: z.string().trim().min(1, "Enter the URL that receives the events.").describe("http or https URL that receives the POSTs"),
  description: z.string().trim().max(500).default(""),
  events,
  active: z.boolean().default(true).describe("false: events are not sent while paused"),
});
export type CreateWebhookInput = z.input<typeof createWebhookInput>;

export const updateWebhookInput = z.object({
  url: z.string().trim().min(1).optional(),
  description: z.string().trim().max(500).optional(),
  events: events.optional(),
  active: z.boolean().optional(),
});
export type UpdateWebhookInput = z.input<typeof updateWebhookInput>;

export const deliveryListQuery = pageQuery.extend({
  status: z.enum(DELIVERY_STATUSES).optional(),
});
export type DeliveryListQuery = z.input<typeof deliveryListQuery>;
