import { createHash, timingSafeEqual } from "node:crypto";
import { bearerToken } from "@/lib/auth/user-token";
import { metricsToken } from "@/lib/config/env";
import { AppError } from "@/lib/errors";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * GET /api/metrics answers only a scraper sending SWITCHBOARD_METRICS_TOKEN as a bearer token
 * (compared in constant time: both sides hashed to one length first); unset, metrics are off.
 */
export function authorizeMetricsScrape(authorization: string | null): void {
  const expected = metricsToken();
  if (!expected) throw new AppError("metrics_disabled");
  const given = bearerToken(authorization);
  if (given === undefined || !timingSafeEqual(digest(given), digest(expected))) throw new AppError("invalid_metrics_token");
}
