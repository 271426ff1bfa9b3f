import { db } from "@/lib/db";
import packageJson from "@/package.json";

export async function checkHealth() {
  const started = performance.now();
  let database: { status: "ok" | "down"; latencyMs?: number; error?: string };
  try {
    await db.$queryRaw`SELECT 1`;
    database = { status: "ok", latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    console.error("[health] database check failed", error);
    database = { status: "down", error: "The database did not answer." };
  }
  return {
    status: database.status === "ok" ? ("ok" as const) : ("degraded" as const),
    version: packageJson.version,
    uptimeSeconds: Math.round(process.uptime()),
    database,
  };
}
