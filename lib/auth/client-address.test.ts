import { describe, expect, it } from "vitest";
import { clientAddressFromHeaders, UNKNOWN_CLIENT_ADDRESS } from "./client-address";

describe("clientAddressFromHeaders", () => {
  it.each([
    [{ "x-forwarded-for": "203.0.113.7" }, "203.0.113.7"],
    [{ "x-forwarded-for": "203.0.113.7, 10.0.0.2, 10.0.0.3" }, "203.0.113.7"],
    [{ "x-forwarded-for": " 203.0.113.7 ,10.0.0.2" }, "203.0.113.7"],
    [{ "x-forwarded-for": "203.0.113.7:51234" }, "203.0.113.7"],
    [{ "x-forwarded-for": "::ffff:127.0.0.1" }, "127.0.0.1"],
    [{ "x-forwarded-for": "2001:db8:1:2:3:4:5:6" }, "2001:db8:1:2::/64"],
    [{ "x-forwarded-for": "[2001:db8:1:2::9]:443" }, "2001:db8:1:2::/64"],
    [{ "x-forwarded-for": "2001:DB8:1:2::ffff" }, "2001:db8:1:2::/64"],
    [{ "x-forwarded-for": "203.0.113.7", "x-real-ip": "198.51.100.1" }, "203.0.113.7"],
    [{ "x-real-ip": "198.51.100.1" }, "198.51.100.1"],
    [{ "x-forwarded-for": "not an address", "x-real-ip": "198.51.100.1" }, "198.51.100.1"],
    [{ "x-forwarded-for": "" }, UNKNOWN_CLIENT_ADDRESS],
    [{ "x-forwarded-for": "garbage", "x-real-ip": "also garbage" }, UNKNOWN_CLIENT_ADDRESS],
    [{}, UNKNOWN_CLIENT_ADDRESS],
  ])("%j → %s", (headers, expected) => {
    expect(clientAddressFromHeaders(new Headers(headers))).toBe(expected);
  });
});
