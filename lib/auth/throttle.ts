/** Sign-in throttling per email: this many failures within the window lock the email for the lockout. */
export const SIGN_IN_THROTTLE = {
  maxFailures: 5,
  windowSeconds: 15 * 60,
  lockoutSeconds: 15 * 60,
} as const;

/** Seconds until a locked email may try again; 0 when it is not locked. */
export function secondsUntilUnlocked(lockedUntil: Date | null | undefined, now: Date): number {
  if (!lockedUntil) return 0;
  return Math.max(0, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}

export function throttledMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
