// The zero-setup database: Postgres compiled to WebAssembly (PGlite), served on
// a loopback port so Prisma and `prisma migrate` talk to it like any Postgres.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { freePort } from "../lib/net/free-port";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(dataDir: string, port?: number): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  // pg_trgm backs the catalog's typo-tolerant search (see the migrations).
  const pglite = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  const listenPort = port ?? (await freePort());
  // PGlite is one connection underneath; the server multiplexes a small pool onto it.
  const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port: listenPort, maxConnections: 32 });
  await server.start();
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${listenPort}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await pglite.close();
    },
  };
}
