// The upstream of bench/gateway.ts: a keep-alive node:http server answering
// every request with the same 1 KB JSON body. It runs as a process of its own
// so that it never shares an event loop with the gateway or the load
// generator. Prints its port on stdout once listening.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const BODY_BYTES = 1024;

/** A JSON document of exactly BODY_BYTES bytes. */
function upstreamBody(): Buffer {
  const base = { ok: true, service: "bench-upstream", items: [1, 2, 3], padding: "" };
  const padding = BODY_BYTES - Buffer.byteLength(JSON.stringify(base));
  return Buffer.from(JSON.stringify({ ...base, padding: "x".repeat(padding) }));
}

function main() {
  const body = upstreamBody();
  const headers = { "content-type": "application/json", "content-length": String(body.length) };
  const server = createServer((req, res) => {
    // Drain any request body so the connection stays reusable.
    req.resume();
    res.writeHead(200, headers);
    res.end(body);
  });
  // Longer than any client's idle timeout: connections are closed by the
  // clients (undici, nginx, autocannon), never mid-reuse by this side.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  server.listen(Number(process.env.UPSTREAM_PORT ?? 0), "127.0.0.1", () => {
    console.log(String((server.address() as AddressInfo).port));
  });
  process.on("SIGTERM", () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

main();
