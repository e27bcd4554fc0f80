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

function wholeNumber(name: string, fallback: number, { min = 0 }: { min?: number } = {}): number {
  const value = process.env[name];
  if (!value) return fallback;
  if (!/^[0-9]{1,9}$/.test(value) || Number(value) < min) throw new ConfigError(`${name} must be a whole number of at least ${min}; it is "${value}".`);
  return Number(value);
}

/** SWITCHBOARD_WORKERS=0 keeps a server process from working the workflow queues (another process does). */
export function workflowWorkersEnabled(): boolean {
  return process.env.SWITCHBOARD_WORKERS !== "0";
}

/** SWITCHBOARD_RUN_RETENTION_DAYS: workflow runs older than this are deleted (default 30). */
export function runRetentionDays(): number {
  return wholeNumber("SWITCHBOARD_RUN_RETENTION_DAYS", 30, { min: 1 });
}

/** SWITCHBOARD_USER_CONCURRENCY: workflow steps that run at once for one Connected User (default 5). */
export function userRunConcurrency(): number {
  return wholeNumber("SWITCHBOARD_USER_CONCURRENCY", 5, { min: 1 });
}

/** SWITCHBOARD_NOTIFICATION_RETRY_BASE_MS: the first pause before a notification delivery is retried (default 5000); the later ones keep their ratio to it (5 min, 30 min, 2 h, 5 h, 10 h). */
export function notificationRetryBaseMs(): number {
  return wholeNumber("SWITCHBOARD_NOTIFICATION_RETRY_BASE_MS", 5000);
}

/** SWITCHBOARD_RETRY_BASE_MS: the first pause before a Request step is retried; each next one doubles (default 2000). */
export function stepRetryBaseMs(): number {
  return wholeNumber("SWITCHBOARD_RETRY_BASE_MS", 2000);
}

/** NEXTAUTH_URL: the dashboard's public URL, also what webhook URLs are built from; undefined when unset. */
export function publicUrl(): string | undefined {
  return process.env.NEXTAUTH_URL || undefined;
}

/** SWITCHBOARD_METRICS_TOKEN: the bearer token GET /api/metrics requires; unset, the route answers 404 (metrics off). */
export function metricsToken(): string | undefined {
  return process.env.SWITCHBOARD_METRICS_TOKEN || undefined;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** SWITCHBOARD_LOG_LEVEL: the least severe log lines written (default info: one line per API request). */
export function logLevel(): LogLevel {
  const value = process.env.SWITCHBOARD_LOG_LEVEL;
  if (!value) return "info";
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new ConfigError(`SWITCHBOARD_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}; it is "${value}".`);
  return value as LogLevel;
}
