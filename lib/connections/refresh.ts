import { randomUUID } from "node:crypto";
import { acquireRefreshLease, completeRefresh, failRefresh, getConnection } from "@/db/queries/connection-refresh";
import type { Connection } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import type { OutboundPolicy } from "@/lib/http/client";
import type { TokenSet } from "@/lib/oauth/token";
import { credentialTemplateValues, fetchToken, ResourceCallError, type ResourceRuntime } from "@/lib/resources/call";
import { type ConnectionCredentials, decryptConnectionCredentials, encryptConnectionCredentials } from "./credentials";

/** Longer than a refresh can take (3 token requests of at most 10 s, and the pauses): a holder that dies keeps others waiting this long. */
const LEASE_SECONDS = 35;
const WAIT_POLL_MS = 25;
const WAIT_LIMIT_MS = 40_000;
/** Token endpoint 5xx answers and timeouts are retried after these pauses. */
const RETRY_DELAYS_MS = [200, 800];
const EXPIRY_MARGIN_MS = 60_000;

export interface ConnectionTokens {
  values: ConnectionCredentials;
  accessTokenExpiresAt: Date | null;
}

export function reconnectNeeded(reason: string | null): ApiError {
  return new ApiError({
    status: 424,
    code: "reconnect_needed",
    message: `This connection is no longer valid${reason ? ` (${reason})` : ""}: the user must connect again.`,
  });
}

/** Whether a connection's stored access token can be used as it is. */
export function hasUsableAccessToken(tokens: ConnectionTokens): boolean {
  if (!tokens.values.access_token) return false;
  return !tokens.accessTokenExpiresAt || tokens.accessTokenExpiresAt.getTime() - Date.now() >= EXPIRY_MARGIN_MS;
}

function tokensOf(connection: Connection): ConnectionTokens {
  return { values: decryptConnectionCredentials(connection.id, connection.credentials), accessTokenExpiresAt: connection.accessTokenExpiresAt };
}

const inFlight = new Map<string, Promise<ConnectionTokens>>();

/**
 * New tokens for a connection whose access token `staleAccessToken` is missing, expiring or
 * refused. Exactly one refresh runs per connection at a time: within this process callers
 * share one promise, and across processes a lease on the connection's row decides who calls
 * the token endpoint; the others wait and use what it stored. After taking the lease the row
 * is read again, so a refresh another holder just finished is used instead of repeated.
 */
export function refreshConnectionTokens(args: {
  connectionId: string;
  staleAccessToken: string;
  resource: ResourceRuntime;
  policy: OutboundPolicy;
}): Promise<ConnectionTokens> {
  const running = inFlight.get(args.connectionId);
  if (running) return running;
  const refresh = refreshOnce(args).finally(() => inFlight.delete(args.connectionId));
  inFlight.set(args.connectionId, refresh);
  return refresh;
}

async function refreshOnce({
  connectionId,
  staleAccessToken,
  resource,
  policy,
}: {
  connectionId: string;
  staleAccessToken: string;
  resource: ResourceRuntime;
  policy: OutboundPolicy;
}): Promise<ConnectionTokens> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  const leaseId = randomUUID();
  for (;;) {
    const leased = await acquireRefreshLease({ connectionId, leaseId, seconds: LEASE_SECONDS });
    if (leased) {
      if (leased.status === "INVALID") {
        await failRefresh({ connectionId, leaseId });
        throw reconnectNeeded(leased.invalidReason);
      }
      const current = tokensOf(leased);
      if (current.values.access_token !== staleAccessToken && hasUsableAccessToken(current)) {
        // Someone refreshed while we waited for the lease: use theirs.
        await completeRefresh({ connectionId, leaseId, credentials: leased.credentials, accessTokenExpiresAt: leased.accessTokenExpiresAt });
        return current;
      }
      return callTokenEndpoint({ connectionId, leaseId, current, resource, policy });
    }
    // Another process holds the lease: wait for the tokens it stores.
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    const row = await getConnection({ connectionId });
    if (!row) throw new ApiError({ status: 404, code: "connection_not_found", message: "The connection was removed." });
    if (row.status === "INVALID") throw reconnectNeeded(row.invalidReason);
    const current = tokensOf(row);
    if (current.values.access_token !== staleAccessToken && hasUsableAccessToken(current)) return current;
    if (Date.now() > deadline) {
      throw new ApiError({ status: 503, code: "refresh_in_progress", message: "The access token is being refreshed; try again shortly." });
    }
  }
}

async function callTokenEndpoint({
  connectionId,
  leaseId,
  current,
  resource,
  policy,
}: {
  connectionId: string;
  leaseId: string;
  current: ConnectionTokens;
  resource: ResourceRuntime;
  policy: OutboundPolicy;
}): Promise<ConnectionTokens> {
  let tokens: TokenSet | undefined;
  for (let attempt = 0; !tokens; attempt++) {
    try {
      const values = credentialTemplateValues(resource, { values: current.values });
      // The connection's own tokens (for an App-Level resource, the rotated ones it caches).
      values["credentials.refresh_token"] = current.values.refresh_token ?? "";
      tokens = await fetchToken(resource, values, policy);
    } catch (error) {
      if (!(error instanceof ResourceCallError)) {
        await failRefresh({ connectionId, leaseId });
        throw error;
      }
      const status = error.details.status;
      if (error.kind === "token_endpoint" && error.details.oauthError === "invalid_grant") {
        const reason = `the token endpoint answered invalid_grant`;
        await failRefresh({ connectionId, leaseId, invalidReason: reason });
        throw reconnectNeeded(reason);
      }
      const transient = error.kind === "network" || (status !== undefined && status >= 500);
      if (!transient || attempt >= RETRY_DELAYS_MS.length) {
        await failRefresh({ connectionId, leaseId });
        throw new ApiError({
          status: 502,
          code: "token_refresh_failed",
          message: `The access token could not be refreshed: ${error.message} The connection is kept as it was.`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
    }
  }
  crashHookAfterTokenResponse();
  const values: ConnectionCredentials = { ...current.values, access_token: tokens.accessToken };
  if (tokens.refreshToken) values.refresh_token = tokens.refreshToken;
  const accessTokenExpiresAt = tokens.expiresAt ?? null;
  await completeRefresh({ connectionId, leaseId, credentials: encryptConnectionCredentials(connectionId, values), accessTokenExpiresAt });
  return { values, accessTokenExpiresAt };
}

/**
 * Test-only: SWITCHBOARD_TEST_CRASH_AFTER_TOKEN_RESPONSE=1 kills the process between the
 * token endpoint's answer and the database write, to test what a crash there leaves behind.
 */
function crashHookAfterTokenResponse() {
  if (process.env.SWITCHBOARD_TEST_CRASH_AFTER_TOKEN_RESPONSE === "1") process.kill(process.pid, "SIGKILL");
}
