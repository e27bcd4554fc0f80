import { addressLimitOverride } from "@/lib/config/env";

/**
 * Sign-in throttling per email (whether or not an account has it): an attempt is reserved
 * before its password is checked, and the attempt that makes `maxFailures` within
 * `windowSeconds` locks the email for `lockoutSeconds`. A success clears the count.
 */
export const SIGN_IN_THROTTLE = {
  maxFailures: 5,
  windowSeconds: 15 * 60,
  lockoutSeconds: 15 * 60,
} as const;

export type AddressLimitKind = "signIn" | "signUp";
export type AddressLimit = { maxAttempts: number; windowSeconds: number };

/**
 * Attempts per client address, counted (every attempt, successful or not) before any password
 * is verified or hashed, in one fixed window shared by every server process.
 * - Sign-in: 20 per 15 minutes. Enough for a team behind one NAT (a session lasts 30 days, so
 *   signing in is rare), and a guesser gets 20 tries per 15 minutes whatever emails it sprays,
 *   and can lock out at most 4 emails in that time.
 * - Sign-up: 10 per hour. Each one hashes a password (argon2id, 19 MiB) and creates an account
 *   and a project; a person needs one.
 * SWITCHBOARD_SIGN_IN_LIMIT and SWITCHBOARD_SIGN_UP_LIMIT change the counts (a large office
 * behind one address; the end-to-end tests, which sign up from one address many times).
 */
export const ADDRESS_LIMITS: Record<AddressLimitKind, AddressLimit> = {
  signIn: { maxAttempts: 20, windowSeconds: 15 * 60 },
  signUp: { maxAttempts: 10, windowSeconds: 60 * 60 },
};

/** The limit in force for one kind of attempt, with its environment override. */
export function addressLimit(kind: AddressLimitKind): AddressLimit {
  const override = addressLimitOverride(kind === "signIn" ? "SWITCHBOARD_SIGN_IN_LIMIT" : "SWITCHBOARD_SIGN_UP_LIMIT");
  const limit = ADDRESS_LIMITS[kind];
  return override ? { ...limit, maxAttempts: override } : limit;
}

/** Seconds until `until` (a lock's end, a window's end); 0 when it has passed. */
export function secondsUntilUnlocked(until: Date | null | undefined, now: Date): number {
  if (!until) return 0;
  return Math.max(0, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

function inMinutes(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** An email locked after too many failures. */
export function throttledMessage(retryAfterSeconds: number): string {
  return `Too many failed sign-in attempts. Try again in ${inMinutes(retryAfterSeconds)}.`;
}

/** A client address over its limit. */
export function addressThrottledMessage(kind: AddressLimitKind, retryAfterSeconds: number): string {
  const what = kind === "signIn" ? "sign-in" : "sign-up";
  return `Too many ${what} attempts from your network. Try again in ${inMinutes(retryAfterSeconds)}.`;
}
