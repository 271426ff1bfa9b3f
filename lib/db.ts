import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

function createClient(): PrismaClient {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set: start Portico with `npm start`, which provides one.");
  }
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString }),
    // Secrets never leave the data layer unless a query asks for them by name.
    omit: {
      user: { passwordHash: true },
      personalAccessToken: { tokenHash: true },
      apiKey: { keyHash: true },
      invitation: { tokenHash: true },
      webhook: { secret: true },
    },
  });
}

// One client per process; Next's dev reloads would otherwise open a pool per reload.
const globalForDb = globalThis as unknown as { porticoDb?: PrismaClient };

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    globalForDb.porticoDb ??= createClient();
    const value = Reflect.get(globalForDb.porticoDb, property);
    return typeof value === "function" ? value.bind(globalForDb.porticoDb) : value;
  },
});
