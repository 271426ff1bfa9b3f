// Usage recording off the request path: a request only pushes a row into
// memory; a timer writes the rows in batches (one multi-row INSERT). If the
// database is unreachable the rows wait, up to a bound, then the oldest are
// dropped and counted in the metrics rather than growing without limit.
import type { Pool } from "pg";

export interface UsageRow {
  at: Date;
  apiId: string;
  versionId: string | null;
  applicationId: string | null;
  teamId: string | null;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  bytesIn: number;
  bytesOut: number;
  cache: "HIT" | "MISS" | null;
  requestId: string;
  gateway: string;
}

const COLUMNS = ["at", "apiId", "versionId", "applicationId", "teamId", "method", "path", "status", "latencyMs", "bytesIn", "bytesOut", "cache", "requestId", "gateway"] as const;
// 14 parameters per row; PostgreSQL allows 65,535 per statement.
const MAX_BATCH = 2_000;

export interface UsageRecorder {
  record(row: UsageRow): void;
  /** Writes what is buffered now. */
  flush(): Promise<void>;
  close(): Promise<void>;
  pending(): number;
}

export function createUsageRecorder(options: { pool: Pool; flushMs?: number; maxBuffered?: number; onDropped?: (count: number) => void; onError?: (error: Error) => void }): UsageRecorder {
  const maxBuffered = options.maxBuffered ?? 100_000;
  let buffer: UsageRow[] = [];
  let flushing: Promise<void> | null = null;

  async function writeBatches() {
    while (buffer.length) {
      const batch = buffer.slice(0, MAX_BATCH);
      const values: unknown[] = [];
      const tuples = batch.map((row, index) => {
        for (const column of COLUMNS) values.push(column === "at" ? row.at.toISOString().replace("Z", "") : row[column]);
        return `(${COLUMNS.map((_, c) => `$${index * COLUMNS.length + c + 1}`).join(", ")})`;
      });
      await options.pool.query(`INSERT INTO "UsageEvent" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`, values);
      buffer = buffer.slice(batch.length);
    }
  }

  function flush(): Promise<void> {
    flushing ??= writeBatches()
      .catch((error: Error) => options.onError?.(error))
      .finally(() => {
        flushing = null;
      });
    return flushing;
  }

  const timer = setInterval(() => void flush(), options.flushMs ?? 1_000);
  timer.unref();

  return {
    record(row) {
      buffer.push(row);
      if (buffer.length > maxBuffered) {
        const dropped = buffer.length - maxBuffered;
        buffer = buffer.slice(dropped);
        options.onDropped?.(dropped);
      }
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
    pending: () => buffer.length,
  };
}
