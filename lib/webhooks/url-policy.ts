// Where webhooks may point. Portico makes the request, so a webhook URL is a
// way to make Portico's network position call something: refuse what a team
// has no business reaching through us. The address is checked when the URL
// is saved (literal IPs) and again at every delivery, on the address DNS
// actually answered (a name may resolve somewhere else later), and the
// connection goes to that checked address.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import { BlockList, isIP } from "node:net";
import { AppError } from "@/lib/errors";

const MAX_URL_LENGTH = 2000;

// Cloud metadata services live here (169.254.169.254): never reachable, whatever the settings.
const linkLocal = new BlockList();
linkLocal.addSubnet("169.254.0.0", 16, "ipv4");
linkLocal.addSubnet("fe80::", 10, "ipv6");

const privateRanges = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  privateRanges.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["fc00::", 7],
  ["ff00::", 8],
] as const) {
  privateRanges.addSubnet(network, prefix, "ipv6");
}

/** Private and loopback targets are refused in production unless PORTICO_WEBHOOKS_ALLOW_PRIVATE=1. */
export function privateTargetsAllowed(): boolean {
  return process.env.PORTICO_WEBHOOKS_ALLOW_PRIVATE === "1" || process.env.NODE_ENV !== "production";
}

/** An IPv4 address hidden in an IPv4-mapped IPv6 one (::ffff:a.b.c.d or ::ffff:xxxx:xxxx). */
function mappedIpv4(address: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/** Why this address may not receive webhooks, or null when it may. */
export function refusedAddress(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, "");
  const mapped = mappedIpv4(bare);
  const [ip, family] = mapped ? [mapped, "ipv4" as const] : [bare, isIP(bare) === 6 ? ("ipv6" as const) : ("ipv4" as const)];
  if (!isIP(ip)) return `${address} is not an IP address`;
  if (linkLocal.check(ip, family)) return `${address} is a link-local address`;
  if (!privateTargetsAllowed() && privateRanges.check(ip, family)) return `${address} is a private, loopback or reserved address`;
  return null;
}

/** Parses and checks a webhook URL as entered: 422 with a pointer when refused. */
export function parseWebhookUrl(raw: string, pointer = "/url"): URL {
  const invalid = (detail: string) => new AppError("validation", `The webhook URL is refused: ${detail}.`, { errors: [{ pointer, detail }] });
  if (raw.length > MAX_URL_LENGTH) throw invalid(`use at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid("it is not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid("only http and https URLs can receive webhooks");
  if (url.username || url.password) throw invalid("credentials in the URL are not allowed (the signature authenticates Portico)");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) {
    const refusal = refusedAddress(host);
    if (refusal) throw invalid(refusal);
  } else if (!privateTargetsAllowed() && (host === "localhost" || host.endsWith(".localhost"))) {
    throw invalid(`${host} is a loopback name`);
  }
  return url;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses a name resolving to a forbidden
 * address: the check and the connection use the same answer, so a DNS
 * server cannot switch the address between them.
 */
export function guardedLookup(hostname: string, options: { family?: number | string; all?: boolean }, callback: LookupCallback): void {
  const all: LookupAllOptions = { all: true, family: options.family === "IPv6" ? 6 : options.family === "IPv4" ? 4 : (options.family as 0 | 4 | 6 | undefined) };
  dnsLookup(hostname, all, (error, addresses) => {
    if (error) return callback(error, []);
    for (const { address } of addresses) {
      const refusal = refusedAddress(address);
      if (refusal) return callback(Object.assign(new Error(`${hostname} resolves to ${refusal.replace(/^\S+ is /, "")} (${address}): refused`), { code: "EWEBHOOKTARGET" }), []);
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}
