import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "@/lib/config/env";
import { ADDRESS_LIMITS, addressLimit, addressThrottledMessage, secondsUntilUnlocked, throttledMessage } from "./throttle";

describe("sign-in throttle", () => {
  const now = new Date("2026-11-23T10:00:00Z");

  it("tells how long a lock lasts, rounding up", () => {
    expect(secondsUntilUnlocked(null, now)).toBe(0);
    expect(secondsUntilUnlocked(new Date("2026-11-23T09:59:00Z"), now)).toBe(0);
    expect(secondsUntilUnlocked(new Date("2026-11-23T10:00:00.200Z"), now)).toBe(1);
    expect(secondsUntilUnlocked(new Date("2026-11-23T10:15:00Z"), now)).toBe(900);
  });

  it("says when to try again in whole minutes", () => {
    expect(throttledMessage(1)).toBe("Too many failed sign-in attempts. Try again in 1 minute.");
    expect(throttledMessage(61)).toBe("Too many failed sign-in attempts. Try again in 2 minutes.");
    expect(throttledMessage(900)).toBe("Too many failed sign-in attempts. Try again in 15 minutes.");
    expect(addressThrottledMessage("signIn", 30)).toBe("Too many sign-in attempts from your network. Try again in 1 minute.");
    expect(addressThrottledMessage("signUp", 3600)).toBe("Too many sign-up attempts from your network. Try again in 60 minutes.");
  });
});

describe("addressLimit", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("is the documented limit unless the environment changes the count", () => {
    vi.stubEnv("SWITCHBOARD_SIGN_IN_LIMIT", "");
    expect(addressLimit("signIn")).toEqual({ maxAttempts: 20, windowSeconds: 900 });
    expect(addressLimit("signUp")).toEqual(ADDRESS_LIMITS.signUp);
    vi.stubEnv("SWITCHBOARD_SIGN_UP_LIMIT", "500");
    expect(addressLimit("signUp")).toEqual({ maxAttempts: 500, windowSeconds: 3600 });
  });

  it.each(["0", "-1", "ten", "1.5", " 5"])("refuses SWITCHBOARD_SIGN_IN_LIMIT=%j", (value) => {
    vi.stubEnv("SWITCHBOARD_SIGN_IN_LIMIT", value);
    expect(() => addressLimit("signIn")).toThrow(ConfigError);
  });
});
