import ipaddr from "ipaddr.js";
import type { AddressClass } from "./address-policy";

// Internal to lib/http: the tables behind classifyAddress, kept apart so that the client can
// also say which IPv4 address an IPv6 one stands for in its error messages.

export interface AddressAnalysis {
  addressClass: AddressClass;
  /** The IPv4 address an IPv6 address carries and was classified by (mapped, NAT64, 6to4…). */
  embeddedIPv4?: string;
}

type Table = ReadonlyArray<readonly [cidr: string, addressClass: AddressClass]>;

// First match wins, so the single metadata addresses come before the ranges that contain them.
// Ranges are spelled out rather than taken from ipaddr.js's range() names so that the policy is
// readable here and does not change when the library's tables do.
const IPV4_TABLE: Table = [
  // Instance metadata of AWS, GCP, Azure, Oracle, DigitalOcean, OpenStack…: cloud credentials.
  ["169.254.169.254/32", "metadata"],
  // AWS ECS task credentials and EKS Pod Identity: link-local anyway, named for clearer messages.
  ["169.254.170.2/32", "metadata"],
  ["169.254.170.23/32", "metadata"],
  // Alibaba Cloud's metadata service sits inside 100.64/10, which allowPrivateNetwork would allow.
  ["100.100.100.200/32", "metadata"],
  // Azure's WireServer: a public-looking address that only means something inside Azure, where
  // it serves VM extension settings. No customer API lives there.
  ["168.63.129.16/32", "metadata"],
  ["0.0.0.0/8", "unspecified"],
  ["127.0.0.0/8", "loopback"],
  ["10.0.0.0/8", "private"],
  ["172.16.0.0/12", "private"],
  ["192.168.0.0/16", "private"],
  ["100.64.0.0/10", "private"], // carrier-grade NAT: used as a private range by VPNs (Tailscale…)
  ["169.254.0.0/16", "link-local"],
  ["224.0.0.0/4", "multicast"],
  ["255.255.255.255/32", "broadcast"],
  ["240.0.0.0/4", "reserved"],
  ["192.0.0.0/24", "reserved"], // IETF protocol assignments (DS-Lite, NAT64 discovery…)
  // Documentation and benchmarking ranges are not globally routed: nothing legitimate answers
  // there, and a network that does use them internally is not a customer API.
  ["192.0.2.0/24", "reserved"],
  ["198.51.100.0/24", "reserved"],
  ["203.0.113.0/24", "reserved"],
  ["198.18.0.0/15", "reserved"],
  ["192.88.99.0/24", "reserved"], // the deprecated 6to4 relay anycast
];

const IPV6_TABLE: Table = [
  // IPv6 metadata endpoints sit inside fc00::/7, which allowPrivateNetwork would allow.
  ["fd00:ec2::254/128", "metadata"], // AWS IMDS
  ["fd00:ec2::23/128", "metadata"], // AWS EKS Pod Identity
  ["fd20:ce::254/128", "metadata"], // Google Cloud metadata server
  ["fd00:c1::a9fe:a9fe/128", "metadata"], // Oracle Cloud IMDS
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["fc00::/7", "unique-local"],
  ["fe80::/10", "link-local"],
  ["fec0::/10", "reserved"], // site-local, deprecated since 2004 (RFC 3879)
  ["ff00::/8", "multicast"],
  ["100::/64", "reserved"], // discard-only
  // IETF protocol assignments: Teredo (which tunnels to an IPv4 address of its own), ORCHID,
  // benchmarking, AMT… No customer API is reached through these.
  ["2001::/23", "reserved"],
  ["2001:db8::/32", "reserved"], // documentation
  ["3fff::/20", "reserved"], // documentation (RFC 9637)
  // Only 2000::/3 is allocated for global unicast; everything else falls through to reserved.
  ["2000::/3", "public"],
];

type ParsedTable = ReadonlyArray<readonly [range: [ipaddr.IPv4 | ipaddr.IPv6, number], addressClass: AddressClass]>;

const PARSED_IPV4 = parseTable(IPV4_TABLE);
const PARSED_IPV6 = parseTable(IPV6_TABLE);

function parseTable(table: Table): ParsedTable {
  return table.map(([cidr, addressClass]) => [ipaddr.parseCIDR(cidr), addressClass] as const);
}

function lookUp(address: ipaddr.IPv4 | ipaddr.IPv6, table: ParsedTable, fallback: AddressClass): AddressClass {
  for (const [range, addressClass] of table) {
    if (address.match(range)) return addressClass;
  }
  return fallback;
}

const NAT64_WELL_KNOWN = ipaddr.parseCIDR("64:ff9b::/96");
const NAT64_LOCAL_USE = ipaddr.parseCIDR("64:ff9b:1::/48");
const SIX_TO_FOUR = ipaddr.parseCIDR("2002::/16");
const IPV4_MAPPED = ipaddr.parseCIDR("::ffff:0:0/96");
const IPV4_TRANSLATED = ipaddr.parseCIDR("::ffff:0:0:0/96"); // SIIT, RFC 6145
const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");

function ipv4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * The IPv4 address that packets to this IPv6 address end up at, when the IPv6 address is one of
 * the forms that carry one: a connection to it reaches that IPv4 host (through the dual stack, a
 * NAT64 gateway or a 6to4 relay), so it must be judged as that host.
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const parts = address.parts;
  const at = (index: number): number => parts[index] ?? 0;
  if (address.match(IPV4_MAPPED) || address.match(IPV4_TRANSLATED) || address.match(NAT64_WELL_KNOWN)) {
    return ipv4FromParts(at(6), at(7));
  }
  // RFC 8215 lets an operator place the IPv4 address elsewhere in a local-use /48, but the /96
  // layout (low 32 bits) is what deployments use and what this policy assumes.
  if (address.match(NAT64_LOCAL_USE)) return ipv4FromParts(at(6), at(7));
  if (address.match(SIX_TO_FOUR)) return ipv4FromParts(at(1), at(2));
  // ::a.b.c.d (deprecated IPv4-compatible), but :: and ::1 are themselves.
  if (address.match(IPV4_COMPATIBLE) && !(at(6) === 0 && at(7) <= 1)) return ipv4FromParts(at(6), at(7));
  return undefined;
}

function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  try {
    return ipaddr.parse(bare);
  } catch {
    throw new TypeError(`Not an IP address: ${JSON.stringify(address.slice(0, 100))}`);
  }
}

export function analyseAddress(address: string): AddressAnalysis {
  const parsed = parse(address);
  if (parsed instanceof ipaddr.IPv4) return { addressClass: lookUp(parsed, PARSED_IPV4, "public") };
  const ipv4 = embeddedIPv4(parsed);
  if (ipv4) return { addressClass: lookUp(ipv4, PARSED_IPV4, "public"), embeddedIPv4: ipv4.toString() };
  return { addressClass: lookUp(parsed, PARSED_IPV6, "reserved") };
}
