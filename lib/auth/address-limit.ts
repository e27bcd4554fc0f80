import { countRequest } from "@/db/queries/rate-limits";
import { addressLimit, secondsUntilUnlocked, type AddressLimitKind } from "./throttle";

/**
 * Counts one attempt of `kind` from a client address against its limit (ADDRESS_LIMITS), in
 * the rate-limit windows every server process shares. Called before any password is hashed
 * or verified, so that this work is never done beyond the limit.
 */
export async function countAddressAttempt(
  kind: AddressLimitKind,
  clientAddress: string,
): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  const { maxAttempts, windowSeconds } = addressLimit(kind);
  const { count, resetsAt } = await countRequest({ key: `${kind === "signIn" ? "sign-in" : "sign-up"}:${clientAddress}`, windowSeconds });
  if (count <= maxAttempts) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, secondsUntilUnlocked(resetsAt, new Date())) };
}
