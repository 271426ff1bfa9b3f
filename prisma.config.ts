import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// The WebAssembly schema engine through a driver adapter: no native engine
// download is needed, so migrations work on air-gapped machines (STACK.md).
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    // allowExitOnIdle: the CLI exits when its work is done instead of waiting
    // for the pool's idle timeout.
    return new PrismaPg({ connectionString: process.env.DATABASE_URL!, allowExitOnIdle: true });
  },
});
