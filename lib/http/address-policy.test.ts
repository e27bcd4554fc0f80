import { describe, expect, it } from "vitest";
import { classifyAddress, isAddressAllowed, type AddressClass } from "./address-policy";

// Classification only: nothing here opens a connection, so public addresses are safe to name.
const CASES: ReadonlyArray<readonly [address: string, expected: AddressClass]> = [
  // Cloud metadata, in every disguise
  ["169.254.169.254", "metadata"],
  ["::ffff:169.254.169.254", "metadata"],
  ["[::ffff:169.254.169.254]", "metadata"],
  ["::ffff:a9fe:a9fe", "metadata"],
  ["[::ffff:a9fe:a9fe]", "metadata"],
  ["::a9fe:a9fe", "metadata"], // IPv4-compatible
  ["::ffff:0:a9fe:a9fe", "metadata"], // SIIT IPv4-translated
  ["64:ff9b::a9fe:a9fe", "metadata"], // NAT64
  ["64:ff9b:1::a9fe:a9fe", "metadata"], // local-use NAT64
  ["2002:a9fe:a9fe::", "metadata"], // 6to4
  ["0xa9.0xfe.0xa9.0xfe", "metadata"],
  ["2852039166", "metadata"],
  ["169.254.170.2", "metadata"],
  ["100.100.100.200", "metadata"],
  ["168.63.129.16", "metadata"],
  ["fd00:ec2::254", "metadata"],
  ["[fd00:ec2::254]", "metadata"],
  ["fd00:ec2::23", "metadata"],
  ["fd20:ce::254", "metadata"],
  ["fd00:c1::a9fe:a9fe", "metadata"],
  // Unspecified
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["::", "unspecified"],
  ["[::]", "unspecified"],
  ["::ffff:0.0.0.0", "unspecified"],
  // Loopback, in the forms the WHATWG URL parser and ipaddr.js accept
  ["127.0.0.1", "loopback"],
  ["127.1", "loopback"],
  ["0x7f.1", "loopback"],
  ["0177.0.0.1", "loopback"],
  ["2130706433", "loopback"],
  ["0x7f000001", "loopback"],
  ["127.255.255.254", "loopback"],
  ["::1", "loopback"],
  ["[::1]", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["::ffff:127.0.0.1", "loopback"],
  ["::127.0.0.1", "loopback"],
  ["::7f00:1", "loopback"],
  ["2002:7f00:1::", "loopback"],
  ["64:ff9b::127.0.0.1", "loopback"],
  // Private
  ["10.0.0.1", "private"],
  ["10.255.255.255", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["100.64.0.1", "private"],
  ["100.127.255.255", "private"],
  ["64:ff9b::a00:1", "private"],
  ["64:ff9b:1::c0a8:101", "private"],
  ["2002:c0a8:101::1", "private"],
  ["::ffff:10.0.0.1", "private"],
  // Unique local
  ["fc00::1", "unique-local"],
  ["fd12:3456:789a::1", "unique-local"],
  // Link-local
  ["169.254.0.1", "link-local"],
  ["169.254.169.253", "link-local"],
  ["fe80::1", "link-local"],
  ["fe80::1%eth0", "link-local"],
  ["febf::1", "link-local"],
  // Multicast and broadcast
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["ff02::1", "multicast"],
  ["::ffff:224.0.0.1", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["::ffff:255.255.255.255", "broadcast"],
  // Reserved: future use, protocol assignments, documentation, benchmarking, unallocated IPv6
  ["240.0.0.1", "reserved"],
  ["254.1.2.3", "reserved"],
  ["192.0.0.8", "reserved"],
  ["192.0.2.1", "reserved"],
  ["198.51.100.7", "reserved"],
  ["203.0.113.9", "reserved"],
  ["198.18.0.1", "reserved"],
  ["192.88.99.1", "reserved"],
  ["2001:db8::1", "reserved"],
  ["3fff::1", "reserved"],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "reserved"], // Teredo
  ["100::1", "reserved"],
  ["fec0::1", "reserved"],
  ["4000::1", "reserved"],
  ["::2:0:0:1", "reserved"],
  // Public
  ["8.8.8.8", "public"],
  ["1.1.1.1", "public"],
  ["172.32.0.1", "public"],
  ["100.128.0.1", "public"],
  ["169.255.0.1", "public"],
  ["2606:4700::1111", "public"],
  ["[2606:4700::1111]", "public"],
  ["2001:4860:4860::8888", "public"],
  ["::ffff:8.8.8.8", "public"],
  ["64:ff9b::808:808", "public"],
  ["2002:808:808::", "public"],
];

describe("classifyAddress", () => {
  it.each(CASES)("classifies %s as %s", (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it.each(["", "localhost", "example.com", "1.2.3.4.5", "256.0.0.1", "08.0.0.1", "::g", "[::1", "http://127.0.0.1/"])(
    "refuses %j, which is not an IP address",
    (input) => {
      expect(() => classifyAddress(input)).toThrow(TypeError);
    },
  );
});

describe("isAddressAllowed", () => {
  const MATRIX: ReadonlyArray<readonly [address: string, addressClass: AddressClass, whenOff: boolean, whenOn: boolean]> = [
    ["8.8.8.8", "public", true, true],
    ["2606:4700::1111", "public", true, true],
    ["127.0.0.1", "loopback", false, true],
    ["::1", "loopback", false, true],
    ["10.0.0.1", "private", false, true],
    ["100.64.0.1", "private", false, true],
    ["64:ff9b::a00:1", "private", false, true],
    ["fd12::1", "unique-local", false, true],
    ["169.254.169.254", "metadata", false, false],
    ["::ffff:a9fe:a9fe", "metadata", false, false],
    ["fd00:ec2::254", "metadata", false, false],
    ["100.100.100.200", "metadata", false, false],
    ["169.254.1.1", "link-local", false, false],
    ["fe80::1", "link-local", false, false],
    ["0.0.0.0", "unspecified", false, false],
    ["::", "unspecified", false, false],
    ["224.0.0.1", "multicast", false, false],
    ["255.255.255.255", "broadcast", false, false],
    ["240.0.0.1", "reserved", false, false],
  ];

  it.each(MATRIX)("%s (%s): allowed %s without private networks, %s with", (address, addressClass, whenOff, whenOn) => {
    expect(isAddressAllowed(address, false)).toEqual({ allowed: whenOff, addressClass });
    expect(isAddressAllowed(address, true)).toEqual({ allowed: whenOn, addressClass });
  });
});
