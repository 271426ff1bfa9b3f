import { apiRoute } from "@/lib/http/route";
import { revokeGatewayCredential } from "@/lib/keys/gateway-credentials";

export const DELETE = apiRoute<{ id: string }>({ auth: "required" }, async ({ actor, params }) => {
  await revokeGatewayCredential(actor, params.id);
  return new Response(null, { status: 204 });
});
