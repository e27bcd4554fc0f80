import { describe, expect, it } from "vitest";
import { secondsUntilUnlocked, throttledMessage } from "./throttle";

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
  });
});
