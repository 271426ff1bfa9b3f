// Usage recording off the request path: a request only appends its row to a
// buffer in memory; a timer writes what is buffered in batches (one
// statement a batch). If the database is unreachable the rows wait, up to a
// bound, then the oldest are dropped and counted in the metrics rather than
// growing without limit.
//
// Rows are written straight into Buffers as text, one Buffer a batch, in the
// form the database takes them (see RowFormat). Kept as a JavaScript string
// or object each, a second's rows outlived a garbage collection or two and
// were copied and promoted by it: that cost the gateway about 15 µs of CPU a
// request, a sixth of all it did (bench/gateway.ts). A Buffer's bytes live
// outside the JavaScript heap, so buffered rows cost the collector nothing.
//
// Two ways to the database (UsageSink): COPY on a PostgreSQL server, and an
// INSERT of one JSON parameter on the embedded database (PGlite), whose
// socket cannot carry COPY. Measured per row on PostgreSQL 15 (backend CPU,
// 1,400-row batches): COPY 5.6 µs, the JSON INSERT 12 µs.
import { finished } from "node:stream/promises";
import type { Pool, PoolClient, QueryResult } from "pg";
import { from as copyFrom } from "pg-copy-streams";
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

/** The columns, in the order each row holds them, with their SQL types. */
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
const COLUMN_LIST = COLUMNS.map(([name]) => `"${name}"`).join(", ");

/**
 * How a batch's bytes are laid out: `open`, the rows with `separator`
 * between them, `close`. `at` is sent as ISO text with its "Z": a timestamp
 * without time zone ignores it, so the column holds UTC as the rest of
 * Portico does. Latency to the microsecond.
 */
interface RowFormat {
  open: string;
  separator: string;
  close: string;
  encode(row: UsageRow, iso: string): string;
}

// PostgreSQL text cannot hold U+0000, and one such row would fail its whole
// batch: it becomes U+FFFD.
const NUL = /\0/g;

/** COPY's text format: tab-separated, one line a row, \N for NULL. */
const COPY_SPECIAL = /[\\\t\n\r\0]/;
const COPY_SPECIALS = /[\\\t\n\r\0]/g;
const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\uFFFD" };
const copyField = (value: string | null) => (value === null ? "\\N" : COPY_SPECIAL.test(value) ? value.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]) : value);

export const COPY_FORMAT: RowFormat = {
  open: "",
  separator: "",
  close: "",
  encode: (row, iso) =>
    `${iso}\t${copyField(row.apiId)}\t${copyField(row.versionId)}\t${copyField(row.applicationId)}\t${copyField(row.teamId)}\t${copyField(row.method)}\t${copyField(row.path)}\t${row.status}\t${row.latencyMs.toFixed(3)}\t${row.bytesIn}\t${row.bytesOut}\t${copyField(row.cache)}\t${copyField(row.requestId)}\t${copyField(row.gateway)}\n`,
};

/**
 * A JSON array of rows, each an array of its columns in COLUMNS' order,
 * which PostgreSQL takes apart by position (jsonb, parsed once: ->> on json
 * parses the element again for every column, three times the cost). Half
 * the bytes of objects with named fields, for the same cost in the database
 * as json_populate_recordset.
 */
const json = (value: string | null) => (value === null ? "null" : JSON.stringify(value.includes("\0") ? value.replace(NUL, "\uFFFD") : value));
// Ids, methods and request ids are made of these: quoted as they are, which
// costs a tenth of JSON.stringify.
const PLAIN = /^[\w.:-]*$/;
const token = (value: string | null) => (value === null ? "null" : PLAIN.test(value) ? `"${value}"` : json(value));

export const JSON_FORMAT: RowFormat = {
  open: "[",
  separator: ",",
  close: "]",
  encode: (row, iso) =>
    `["${iso}",${token(row.apiId)},${token(row.versionId)},${token(row.applicationId)},${token(row.teamId)},${token(row.method)},${json(row.path)},${row.status},${row.latencyMs.toFixed(3)},${row.bytesIn},${row.bytesOut},${token(row.cache)},${token(row.requestId)},${token(row.gateway)}]`,
};

/** Where batches go. `write` stores the rows of `rows` (laid out in `format`) or fails having stored none. */
export interface UsageSink {
  readonly format: RowFormat;
  /** `earliest`: the batch's earliest `at`, epoch milliseconds. */
  write(rows: Buffer, earliest: number): Promise<void>;
}

// Rows that fall before the rollup cursor came later than the rollup's lag:
// the writer adds them to their minutes itself, in the transaction that
// stores them, holding a share lock on the cursor row that a rollup run
// waits for (lib/usage/rollup.ts), so each is counted exactly once.
const LOCK_CURSOR = `SELECT "rolledUpTo" FROM "UsageRollupCursor" WHERE "id" = '${ROLLUP_CURSOR_ID}' FOR SHARE`;

const COPY = `COPY "UsageEvent" (${COLUMN_LIST}) FROM STDIN`;
// This transaction's own rows, found through the `at` index (the range
// between the batch's earliest row and the cursor is short) and xmin.
const ADD_LATE_ROWS_OF_THIS_TRANSACTION = addToMinutesSql(
  `"UsageEvent" e`,
  `e."at" >= $1::timestamp AND e."at" < (SELECT "rolledUpTo" FROM "UsageRollupCursor" WHERE "id" = '${ROLLUP_CURSOR_ID}') AND e.xmin = xid(pg_current_xact_id())`,
);

/** COPY in a transaction: the cursor's lock, the rows, the late rows' minutes when there are any. */
export function copySink(pool: Pick<Pool, "connect">): UsageSink {
  return {
    format: COPY_FORMAT,
    async write(rows, earliest) {
      const client: PoolClient = await pool.connect();
      let broken: Error | undefined;
      try {
        // Two statements in one round trip (the simple protocol): one result each.
        const [, cursor] = (await client.query(`BEGIN; ${LOCK_CURSOR}`)) as unknown as QueryResult<{ rolledUpTo: Date }>[];
        // Written straight to the stream: through pipeline() and Readable.from()
        // the gateway ran a full garbage collection every few hundred ms.
        const copy = client.query(copyFrom(COPY));
        copy.end(rows);
        await finished(copy);
        const rolledUpTo = cursor.rows[0]?.rolledUpTo;
        if (rolledUpTo && earliest < rolledUpTo.getTime()) await client.query(ADD_LATE_ROWS_OF_THIS_TRANSACTION, [new Date(earliest).toISOString()]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackFailed: Error) => (broken = rollbackFailed));
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

const ROWS_OF_BATCH = `SELECT ${COLUMNS.map(([name, type], i) => `(r->>${i})::${type} AS "${name}"`).join(", ")}
    FROM jsonb_array_elements(convert_from($1::bytea, 'UTF8')::jsonb) r`;
// One statement, so no transaction to hold: the late part reads the batch a
// second time only while $2, the batch's earliest time, is before the cursor
// (nearly never), where a MATERIALIZED CTE read once for both parts copied
// every row into a tuplestore. Planning it costs about 1 ms a batch; it is
// not prepared, as in embedded mode every connection shares one PGlite
// session, where a second connection preparing the same name fails.
const INSERT_JSON = `WITH rollup AS (${LOCK_CURSOR}), late AS (
    ${addToMinutesSql(`rollup, LATERAL (${ROWS_OF_BATCH}) e`, `$2::timestamp < rollup."rolledUpTo" AND e."at" < rollup."rolledUpTo"`)}
  )
  INSERT INTO "UsageEvent" (${COLUMN_LIST})
  ${ROWS_OF_BATCH}`;

/** One INSERT of the batch as a JSON parameter: for PGlite, which takes no COPY. */
export function jsonInsertSink(pool: Pick<Pool, "query">): UsageSink {
  return {
    format: JSON_FORMAT,
    async write(rows, earliest) {
      await pool.query({ text: INSERT_JSON, values: [rows, new Date(earliest).toISOString()] });
    },
  };
}

/** COPY, unless the database is the embedded PGlite. */
export async function usageSinkFor(pool: Pool): Promise<UsageSink> {
  const { rows } = await pool.query<{ version: string }>("SELECT version()");
  return rows[0].version.includes("PGlite") ? jsonInsertSink(pool) : copySink(pool);
}

// One batch's bytes: 1,400 to 1,800 typical rows, which bounds the work of one statement
// so that a backlog is written in steps that leave the event loop to requests.
const BATCH_BYTES = 256 * 1024;

export interface UsageRecorder {
  record(row: UsageRow): void;
  /** Writes what is buffered now. */
  flush(): Promise<void>;
  close(): Promise<void>;
  pending(): number;
}

/** Rows being filled in, then sealed and waiting to be written. */
class Batch {
  readonly bytes = Buffer.allocUnsafe(BATCH_BYTES);
  length = 0;
  rows = 0;
  sealed = false;
  /** The earliest `at` among its rows, epoch milliseconds. */
  earliest = Infinity;

  constructor(private readonly format: RowFormat) {
    this.length = this.bytes.write(format.open);
  }

  /** Appends one row's text, or answers false when it does not fit. */
  append(text: string, at: number): boolean {
    const { separator, close } = this.format;
    // Worst case 3 bytes a UTF-16 unit.
    if (this.length + (separator.length + text.length + close.length) * 3 > BATCH_BYTES) {
      if (this.rows > 0) return false;
      throw new RangeError("A usage row is larger than a whole batch.");
    }
    if (this.rows > 0 && separator) this.length += this.bytes.write(separator, this.length);
    this.length += this.bytes.write(text, this.length);
    this.rows += 1;
    if (at < this.earliest) this.earliest = at;
    return true;
  }

  seal(): Buffer {
    if (!this.sealed) {
      this.length += this.bytes.write(this.format.close, this.length);
      this.sealed = true;
    }
    return this.bytes.subarray(0, this.length);
  }
}

export function createUsageRecorder(options: { sink: UsageSink; flushMs?: number; maxBuffered?: number; onDropped?: (count: number) => void; onError?: (error: Error) => void }): UsageRecorder {
  const { sink } = options;
  const maxBuffered = options.maxBuffered ?? 100_000;
  /** Oldest first; only the last one takes new rows. */
  let batches: Batch[] = [];
  let buffered = 0;
  let flushing: Promise<void> | null = null;
  /** The batch being written: never dropped, it is already on its way. */
  let writing: Batch | null = null;

  function current(): Batch {
    const last = batches[batches.length - 1];
    if (last && !last.sealed) return last;
    const batch = new Batch(sink.format);
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
        await sink.write(batch.seal(), batch.earliest);
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
      const text = sink.format.encode(row, iso);
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
