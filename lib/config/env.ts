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
  if (!/^[0-9]{1,9}$/.test(value) || Number(value) < min)
    throw new ConfigError(`${name} must be a whole number of at least ${min}; it is "${value}".`);
  return Number(value);
}

/** SWITCHBOARD_WORKERS=0 keeps a server process from working the job queues (another process does). */
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

/** SWITCHBOARD_APP_CONCURRENCY: a project's App-Level workflow steps (runs for no Connected User) that run at once (default 10). */
export function appRunConcurrency(): number {
  return wholeNumber("SWITCHBOARD_APP_CONCURRENCY", 10, { min: 1 });
}

/** SWITCHBOARD_NOTIFICATION_RETRY_BASE_MS: the first pause before a notification delivery is retried (default 5000); the later ones keep their ratio to it (5 min, 30 min, 2 h, 5 h, 10 h). */
export function notificationRetryBaseMs(): number {
  return wholeNumber("SWITCHBOARD_NOTIFICATION_RETRY_BASE_MS", 5000);
}

/** SWITCHBOARD_RETRY_BASE_MS: the first pause before a Request step is retried; each next one doubles (default 2000). */
export function stepRetryBaseMs(): number {
  return wholeNumber("SWITCHBOARD_RETRY_BASE_MS", 2000);
}

/** SWITCHBOARD_FUNCTION_TIMEOUT_MS: how long one Function step call may run (default 100). */
export function functionTimeoutMs(): number {
  return wholeNumber("SWITCHBOARD_FUNCTION_TIMEOUT_MS", 100, { min: 1 });
}

/** SWITCHBOARD_FUNCTION_MEMORY_MB: the memory one Function step call may hold (default 32). */
export function functionMemoryMb(): number {
  return wholeNumber("SWITCHBOARD_FUNCTION_MEMORY_MB", 32, { min: 1 });
}

/** SWITCHBOARD_FUNCTION_RESULT_KB: the largest result of a Function step, as JSON (default 256). */
export function functionResultKb(): number {
  return wholeNumber("SWITCHBOARD_FUNCTION_RESULT_KB", 256, { min: 1 });
}

/** SWITCHBOARD_FAN_OUT_MAX_ITEMS: the most items one Fan Out step runs over; more fails the step (default 1000). */
export function fanOutMaxItems(): number {
  return wholeNumber("SWITCHBOARD_FAN_OUT_MAX_ITEMS", 1000, { min: 1 });
}

/** What the configuration is read from: process.env, or a test's own values (so a test need not change process.env). */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** The embedded default's public URL (`npm run dev` on one machine). */
const EMBEDDED_PUBLIC_URL = "http://localhost:3000";

/**
 * NEXTAUTH_URL: the app's public URL (no trailing slash), which webhook URLs are built from — never
 * a request's Host or X-Forwarded-* headers, which whoever sends the request chooses. Unset, the
 * embedded default (PGlite) is http://localhost:3000, but a PostgreSQL deployment (DATABASE_URL)
 * has none: a ConfigError says what to set.
 */
export function publicUrl(env: ConfigEnv = process.env): string {
  const configured = env.NEXTAUTH_URL;
  if (!configured) {
    // DATABASE_URL is db/env.ts's variable; read here from `env` so a test can inject both.
    if (env.DATABASE_URL) {
      throw new ConfigError(
        "NEXTAUTH_URL is not set: with DATABASE_URL, Switchboard builds webhook URLs from NEXTAUTH_URL only (never from a request's headers), so webhook Subscriptions are not started until it is set to the app's public URL, e.g. https://switchboard.example.com.",
      );
    }
    return EMBEDDED_PUBLIC_URL;
  }
  if (!URL.canParse(configured) || !/^https?:$/.test(new URL(configured).protocol)) {
    throw new ConfigError(
      `NEXTAUTH_URL must be the app's public http(s) URL, e.g. https://switchboard.example.com; it is "${configured}".`,
    );
  }
  return configured.replace(/\/+$/, "");
}

/**
 * next-auth reads NEXTAUTH_URL itself, and warns on every session read while it is unset. On the
 * embedded default, give it the URL publicUrl() already uses, so `npm run dev` on a fresh machine
 * prints no warning. With DATABASE_URL it stays unset: there it must be configured, and the
 * warning is true.
 */
export function applyEmbeddedNextAuthUrl(env: Record<string, string | undefined> = process.env): void {
  if (!env.NEXTAUTH_URL && !env.DATABASE_URL) env.NEXTAUTH_URL = EMBEDDED_PUBLIC_URL;
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
  if (!(LOG_LEVELS as readonly string[]).includes(value))
    throw new ConfigError(`SWITCHBOARD_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}; it is "${value}".`);
  return value as LogLevel;
}
