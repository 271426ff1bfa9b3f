// Usage recording off the request path: a request only appends its row to a
// buffer in memory; a timer writes what is buffered in batches (one INSERT a
// batch). If the database is unreachable the rows wait, up to a bound, then
// the oldest are dropped and counted in the metrics rather than growing
// without limit.
//
// Rows are written straight into Buffers as JSON text, one Buffer a batch:
// each row an array of its columns in a fixed order, which PostgreSQL takes
// apart by position (jsonb, parsed once: ->> on json parses the element
// again for every column, three times the cost). Half the bytes to write
// here than objects with named fields, for the same cost in the database
// as json_populate_recordset. Kept as a JavaScript string
// or object each, a second's rows outlived a garbage collection or two and
// were copied and promoted by it: that cost the gateway about 15 µs of CPU a
// request, a sixth of all it did (bench/gateway.ts). A Buffer's bytes live
// outside the JavaScript heap, so buffered rows cost the collector nothing.
// The batch goes to PostgreSQL as one bytea parameter, as it is.
import type { Pool } from "pg";
import { addToMinutesSql, ROLLUP_CURSOR_ID } from "@/lib/usage/minute-sql";

export interface UsageRow {
  /** Epoch milliseconds. */
  at: number;
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

/** The columns, in the order each row's JSON array holds them, with their SQL types. */
const COLUMNS: [name: keyof UsageRow, type: string][] = [
  ["at", "timestamp"],
  ["apiId", "text"],
  ["versionId", "text"],
  ["applicationId", "text"],
  ["teamId", "text"],
  ["method", "text"],
  ["path", "text"],
  ["status", "int"],
  ["latencyMs", "float8"],
  ["bytesIn", "int"],
  ["bytesOut", "int"],
  ["cache", "text"],
  ["requestId", "text"],
  ["gateway", "text"],
];
// `at` is sent with its "Z"; a timestamp without time zone ignores it, so the
// column holds UTC as the rest of Portico does. ->> makes a JSON null NULL.
const ROWS_OF_BATCH = `SELECT ${COLUMNS.map(([name, type], i) => `(r->>${i})::${type} AS "${name}"`).join(", ")}
    FROM jsonb_array_elements(convert_from($1::bytea, 'UTF8')::jsonb) r`;
// The rows of the batch that fall before the rollup cursor came later than
// the rollup's lag: they are added to their minutes here (the `late` part),
// under a share lock on the cursor row that a rollup run waits for
// (lib/usage/rollup.ts). $2 is the batch's earliest time: while it is not
// before the cursor (nearly always), the late part filters out the cursor
// row and never reads the batch a second time, where a MATERIALIZED CTE
// read once for both parts copied every row into a tuplestore. Planning
// the statement costs PostgreSQL about 1 ms a batch (0.7 µs a row); it is
// not prepared, as in embedded mode every connection shares one PGlite
// session, where a second connection preparing the same name fails.
const INSERT = `WITH rollup AS (
    SELECT "rolledUpTo" FROM "UsageRollupCursor" WHERE "id" = '${ROLLUP_CURSOR_ID}' FOR SHARE
  ), late AS (
    ${addToMinutesSql(`rollup, LATERAL (${ROWS_OF_BATCH}) e`, `$2::timestamp < rollup."rolledUpTo" AND e."at" < rollup."rolledUpTo"`)}
  )
  INSERT INTO "UsageEvent" (${COLUMNS.map(([name]) => `"${name}"`).join(", ")})
  ${ROWS_OF_BATCH}`;
// One batch's bytes: about 1,400 rows, which bounds the work of one statement
// so that a backlog is written in steps that leave the event loop to requests.
const BATCH_BYTES = 256 * 1024;

export interface UsageRecorder {
  record(row: UsageRow): void;
  /** Writes what is buffered now. */
  flush(): Promise<void>;
  close(): Promise<void>;
  pending(): number;
}

/**
 * A string as a JSON value. PostgreSQL text cannot hold U+0000, and one such
 * row would fail its whole batch, so it becomes U+FFFD here.
 */
const json = (value: string | null) => (value === null ? "null" : JSON.stringify(value.includes("\0") ? value.replaceAll("\0", "\uFFFD") : value));

// Ids, methods and request ids are made of these: quoted as they are, which
// costs a tenth of JSON.stringify.
const PLAIN = /^[\w.:-]*$/;
const token = (value: string | null) => (value === null ? "null" : PLAIN.test(value) ? `"${value}"` : json(value));

/** A JSON array of rows being filled, then sealed and waiting to be written. */
class Batch {
  readonly bytes = Buffer.allocUnsafe(BATCH_BYTES);
  length = 1;
  rows = 0;
  sealed = false;
  /** The earliest `at` among its rows, epoch milliseconds. */
  earliest = Infinity;

  constructor() {
    this.bytes[0] = 0x5b; // [
  }

  /** Appends one row's JSON, or answers false when it does not fit. */
  append(text: string, at: number): boolean {
    // Worst case 3 bytes a UTF-16 unit, plus "," and the closing "]".
    if (this.length + text.length * 3 + 2 > BATCH_BYTES) {
      if (this.rows > 0) return false;
      throw new RangeError("A usage row is larger than a whole batch.");
    }
    if (this.rows > 0) this.bytes[this.length++] = 0x2c; // ,
    this.length += this.bytes.write(text, this.length);
    this.rows += 1;
    if (at < this.earliest) this.earliest = at;
    return true;
  }

  seal(): Buffer {
    if (!this.sealed) {
      this.bytes[this.length++] = 0x5d; // ]
      this.sealed = true;
    }
    return this.bytes.subarray(0, this.length);
  }
}

export function createUsageRecorder(options: { pool: Pool; flushMs?: number; maxBuffered?: number; onDropped?: (count: number) => void; onError?: (error: Error) => void }): UsageRecorder {
  const maxBuffered = options.maxBuffered ?? 100_000;
  /** Oldest first; only the last one takes new rows. */
  let batches: Batch[] = [];
  let buffered = 0;
  let flushing: Promise<void> | null = null;
  /** The batch whose INSERT is in flight: never dropped, it is already on its way. */
  let writing: Batch | null = null;

  function current(): Batch {
    const last = batches[batches.length - 1];
    if (last && !last.sealed) return last;
    const batch = new Batch();
    batches.push(batch);
    return batch;
  }

  /** Drops whole batches, oldest first, until the rest fit the bound. */
  function dropOldest() {
    let dropped = 0;
    batches = batches.filter((batch) => {
      if (buffered <= maxBuffered || batch === writing) return true;
      buffered -= batch.rows;
      dropped += batch.rows;
      return false;
    });
    if (dropped) options.onDropped?.(dropped);
  }

  async function writeBatches() {
    while (batches.length && batches[0].rows > 0) {
      const batch = batches[0];
      writing = batch;
      try {
        await options.pool.query({ text: INSERT, values: [batch.seal(), new Date(batch.earliest).toISOString()] });
      } catch (error) {
        // Class 22 (data exception): this batch would fail again on every
        // retry and hold back all later ones; drop it. Anything else (the
        // database is unreachable) is retried on the next tick.
        if (!String((error as { code?: unknown }).code ?? "").startsWith("22")) throw error;
        options.onDropped?.(batch.rows);
        options.onError?.(error as Error);
      } finally {
        writing = null;
      }
      // Still first: dropOldest never drops the batch being written.
      batches.shift();
      buffered -= batch.rows;
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

  // Consecutive requests often end in the same millisecond.
  let isoMs = NaN;
  let iso = "";

  return {
    record(row) {
      if (row.at !== isoMs) {
        isoMs = row.at;
        iso = new Date(isoMs).toISOString();
      }
      // In COLUMNS' order; latency to the microsecond.
      const text = `["${iso}",${token(row.apiId)},${token(row.versionId)},${token(row.applicationId)},${token(row.teamId)},${token(row.method)},${json(row.path)},${row.status},${row.latencyMs.toFixed(3)},${row.bytesIn},${row.bytesOut},${token(row.cache)},${token(row.requestId)},${token(row.gateway)}]`;
      let batch = current();
      if (!batch.append(text, row.at)) {
        batch.seal();
        batch = current();
        batch.append(text, row.at);
      }
      buffered += 1;
      if (buffered > maxBuffered) dropOldest();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
    pending: () => buffered,
  };
}
