import { analyseAddress } from "./address-analysis";

// Which IP addresses Switchboard may send requests to. Every outbound request is checked
// against this on the address actually connected to (see client.ts), so that a customer-supplied
// URL cannot reach the server's own network or the cloud's credential endpoints (SSRF).

export type AddressClass =
  "public" | "loopback" | "private" | "unique-local" | "link-local" | "metadata" | "unspecified" | "multicast" | "broadcast" | "reserved";

// Nothing a project could legitimately call lives at these, while they can reach credentials or
// hosts that were never meant to be exposed, so no setting opens them.
const ALWAYS_BLOCKED: ReadonlySet<AddressClass> = new Set<AddressClass>([
  "metadata",
  "link-local",
  "unspecified",
  "multicast",
  "broadcast",
  "reserved",
]);

// A self-hosted Switchboard may well be meant to call APIs on its own network; that is an
// explicit choice (allowPrivateNetwork), off by default.
const PRIVATE_NETWORK: ReadonlySet<AddressClass> = new Set<AddressClass>(["loopback", "private", "unique-local"]);

/**
 * Classifies an IP literal (IPv4 or IPv6, with or without brackets, in any form ipaddr.js parses:
 * `127.1`, `0x7f.1`, `::ffff:7f00:1`…). IPv6 addresses that carry an IPv4 address (IPv4-mapped,
 * IPv4-compatible, SIIT, NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`, 6to4 `2002::/16`) are
 * classified as that IPv4 address, since that is the host a connection to them reaches.
 * Documentation, benchmarking and other non-routed special-purpose ranges are "reserved", as is
 * IPv6 outside 2000::/3. Throws a TypeError for anything that is not an IP address.
 */
export function classifyAddress(address: string): AddressClass {
  return analyseAddress(address).addressClass;
}

export function isAddressAllowed(address: string, allowPrivateNetwork: boolean): { allowed: boolean; addressClass: AddressClass } {
  const addressClass = classifyAddress(address);
  if (ALWAYS_BLOCKED.has(addressClass)) return { allowed: false, addressClass };
  if (PRIVATE_NETWORK.has(addressClass)) return { allowed: allowPrivateNetwork, addressClass };
  return { allowed: true, addressClass };
}
