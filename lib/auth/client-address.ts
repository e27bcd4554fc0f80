import ipaddr from "ipaddr.js";

/** The key of requests whose address is not known: they share one limit. */
export const UNKNOWN_CLIENT_ADDRESS = "unknown";

/** The headers a request's client address is read from (a `Headers`, or anything with its `get`). */
export interface AddressHeaders {
  get(name: string): string | null;
}

/**
 * The client address that per-address limits count against: the first hop of
 * X-Forwarded-For when present, else X-Real-IP, else "unknown". `next start` fills
 * X-Forwarded-For with the socket's address when the request has none, but keeps one the
 * client sent: so the first hop is only the client's own address behind a proxy that
 * overwrites the header (or strips a client's).
 *
 * IPv4-mapped IPv6 addresses count as their IPv4 address; other IPv6 addresses by their /64,
 * the block one subscriber gets, so that a client cannot step through its own block.
 */
export function clientAddressFromHeaders(headers: AddressHeaders): string {
  const forwardedFor = headers.get("x-forwarded-for")?.split(",")[0];
  return normalizeAddress(forwardedFor) ?? normalizeAddress(headers.get("x-real-ip")) ?? UNKNOWN_CLIENT_ADDRESS;
}

function normalizeAddress(value: string | null | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  // Some proxies add the port: `203.0.113.7:51234`, `[2001:db8::1]:51234`.
  const bare = /^\[([^\]]+)\](?::\d+)?$/.exec(text)?.[1] ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text)?.[1] ?? text;
  if (!ipaddr.isValid(bare)) return undefined;
  const address = ipaddr.process(bare);
  if (address.kind() === "ipv4") return address.toString();
  const prefix = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...prefix, 0, 0, 0, 0]).toString()}/64`;
}
