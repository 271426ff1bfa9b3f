import pg from "pg";

// Prisma stores timestamps as UTC "timestamp without time zone"; pg would read
// them in the process's local zone.
const TIMESTAMP = 1114;

/** Type parsers for raw pg queries on Prisma's tables: timestamps read as UTC. */
export const utcTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP ? (value: string) => new Date(`${value.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};
