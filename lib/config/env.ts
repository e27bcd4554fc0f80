// Every environment variable Switchboard reads is named here or, for the database, in
// db/env.ts (the README's table lists them).

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** SWITCHBOARD_ALLOW_PRIVATE_NETWORK=true lets every project reach private and loopback addresses. */
export function allowPrivateNetworkEverywhere(): boolean {
  return process.env.SWITCHBOARD_ALLOW_PRIVATE_NETWORK === "true";
}

/**
 * SWITCHBOARD_SIGN_IN_LIMIT and SWITCHBOARD_SIGN_UP_LIMIT: how many sign-in (per 15 minutes) or
 * sign-up (per hour) attempts one client address may make; lib/auth/throttle.ts has the defaults.
 * Undefined when unset.
 */
export function addressLimitOverride(name: "SWITCHBOARD_SIGN_IN_LIMIT" | "SWITCHBOARD_SIGN_UP_LIMIT"): number | undefined {
  const value = process.env[name];
  if (!value) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(value)) throw new ConfigError(`${name} must be a whole number of attempts, at least 1; it is "${value}".`);
  return Number(value);
}
