// `npm run gateway`: one gateway process configured from the environment
// (DATABASE_URL, REDIS_URL, GATEWAY_PORT; see README).
import { settingsFromEnv, startGateway } from "./server";

async function main() {
  const gateway = await startGateway(settingsFromEnv());
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await gateway.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: Error) => {
  console.error(`[gateway] failed to start: ${error.message}`);
  process.exit(1);
});
