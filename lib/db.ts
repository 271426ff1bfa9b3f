import pg from "pg";
import { utcTypes } from "./pg-types";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";

function prismaOn(pool: pg.Pool) {
  return new PrismaClient({
    adapter: new PrismaPg(pool),
    // Secrets never leave the data layer unless a query asks for them by name.
    omit: {
      user: { passwordHash: true },
      personalAccessToken: { tokenHash: true },
      apiKey: { keyHash: true },
      gatewayCredential: { secretHash: true },
      invitation: { tokenHash: true },
      webhook: { secret: true },
    },
  });
}

export type Db = ReturnType<typeof prismaOn>;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

interface Connections {
  pool: pg.Pool;
  client: Db;
}

function connect(): Connections {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set: start Portico with `npm start`, which provides one.");
  }
  // One pool for Prisma and for the few hot raw queries (see sql() below).
  const pool = new pg.Pool({ connectionString, max: Number(process.env.PORTICO_DB_POOL ?? 10) });
  return { pool, client: prismaOn(pool) };
}

// One pool per process; Next's dev reloads would otherwise open one per reload.
const globalForDb = globalThis as unknown as { porticoDb?: Connections };
const connections = () => (globalForDb.porticoDb ??= connect());

export const db: Db = new Proxy({} as Db, {
  get(_target, property) {
    const { client } = connections();
    const value = Reflect.get(client, property);
    return typeof value === "function" ? value.bind(client) : value;
  },
});


/**
 * Runs a raw query straight on the pool. For hot read paths whose SQL is
 * hand-written anyway (catalog search, token lookup): it saves Prisma's
 * per-query overhead (about 1.5 ms here). Everything else goes through `db`.
 */
export async function sql<Row>(query: Prisma.Sql): Promise<Row[]> {
  const result = await connections().pool.query({ text: query.text, values: query.values, types: utcTypes });
  return result.rows as Row[];
}
