// `npm run worker`: the job worker (scheduled lifecycle work). `npm start`
// runs it beside the web server.
import { startWorker } from "@/lib/jobs/worker";

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set.");
  const boss = await startWorker(url);
  console.log("[worker] started");
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => void boss.stop({ graceful: true, timeout: 5_000 }).finally(() => process.exit(0)));
  }
}

main().catch((error) => {
  console.error(`[worker] failed to start: ${(error as Error).message}`);
  process.exit(1);
});
