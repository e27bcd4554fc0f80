import { randomUUID } from "node:crypto";
import { acquireRefreshLease, completeRefresh, failRefresh, releaseRefreshLease } from "@/db/queries/connection-refresh";
import { getConnection } from "@/db/queries/connections";
import { AppError } from "@/lib/errors";
import { countTokenRefresh } from "@/lib/metrics/registry";
import { notifyConnectionInvalid } from "@/lib/notifications/events";
import type { TokenSet } from "@/lib/oauth/token";
import {
  type ConnectionCredentials,
  type CredentialState,
  credentialStateOf,
  encryptConnectionCredentials,
  hasUsableAccessToken,
  withNewTokens,
} from "./credentials";

/** Longer than a refresh can take (3 token requests of at most 10 s, and the pauses): a holder that dies keeps others waiting this long. */
const LEASE_SECONDS = 35;
const WAIT_POLL_MS = 25;
const WAIT_LIMIT_MS = 40_000;

export function reconnectNeeded(reason: string | null): AppError {
  return new AppError("reconnect_needed", {
    message: `This connection is no longer valid${reason ? ` (${reason})` : ""}: the user must connect again.`,
  });
}

const connectionRemoved = () => new AppError("connection_not_found", { message: "The connection was removed." });

/** Tokens other than the stale ones, good to use: someone refreshed (or reconnected) meanwhile. */
function replacedWithUsable(current: CredentialState, stale: CredentialState): boolean {
  return current.values.access_token !== stale.values.access_token && hasUsableAccessToken(current);
}

const inFlight = new Map<string, Promise<CredentialState>>();

/**
 * New tokens for the connection row whose state `stale` holds a missing, expiring or refused
 * access token. Exactly one refresh runs per row at a time: within this process callers share
 * one promise, and across processes a lease on the row decides who calls the token endpoint;
 * the others wait and use what it stored. After taking the lease the row is read again, so a
 * refresh another holder just finished is used instead of repeated. The write is a
 * compare-and-set on the credentials' version: a reconnect that lands meanwhile wins.
 */
export function refreshConnectionTokens(args: {
  connectionId: string;
  stale: CredentialState;
  grant: (values: ConnectionCredentials) => Promise<TokenSet>;
}): Promise<CredentialState> {
  const running = inFlight.get(args.connectionId);
  if (running) return running;
  const refresh = refreshOnce(args).finally(() => inFlight.delete(args.connectionId));
  inFlight.set(args.connectionId, refresh);
  return refresh;
}

async function refreshOnce({
  connectionId,
  stale,
  grant,
}: {
  connectionId: string;
  stale: CredentialState;
  grant: (values: ConnectionCredentials) => Promise<TokenSet>;
}): Promise<CredentialState> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  const leaseId = randomUUID();
  for (;;) {
    const leased = await acquireRefreshLease({ connectionId, leaseId, seconds: LEASE_SECONDS });
    if (leased) {
      if (leased.status === "INVALID") {
        await releaseRefreshLease({ connectionId, leaseId });
        throw reconnectNeeded(leased.invalidReason);
      }
      const current = credentialStateOf(leased);
      if (replacedWithUsable(current, stale)) {
        await releaseRefreshLease({ connectionId, leaseId });
        return current;
      }
      return refreshUnderLease({ connectionId, leaseId, current, grant });
    }
    // Another process holds the lease: wait for the tokens it stores.
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    const row = await getConnection({ connectionId });
    if (!row) throw connectionRemoved();
    if (row.status === "INVALID") throw reconnectNeeded(row.invalidReason);
    const current = credentialStateOf(row);
    if (replacedWithUsable(current, stale)) return current;
    if (Date.now() > deadline) throw new AppError("refresh_in_progress");
  }
}

async function refreshUnderLease({
  connectionId,
  leaseId,
  current,
  grant,
}: {
  connectionId: string;
  leaseId: string;
  current: CredentialState;
  grant: (values: ConnectionCredentials) => Promise<TokenSet>;
}): Promise<CredentialState> {
  const held = { connectionId, leaseId, credentialsVersion: current.version };
  let tokens: TokenSet;
  try {
    tokens = await grant(current.values);
  } catch (error) {
    if (error instanceof AppError && error.failure?.oauthError === "invalid_grant") {
      countTokenRefresh("invalid_grant");
      const reason = "the token endpoint answered invalid_grant";
      await failRefresh({ ...held, invalidReason: reason, onInvalid: notifyConnectionInvalid });
      throw reconnectNeeded(reason);
    }
    countTokenRefresh("failed");
    await failRefresh(held);
    if (error instanceof AppError) {
      throw new AppError("token_refresh_failed", {
        message: `The access token could not be refreshed: ${error.message} The connection is kept as it was.`,
        failure: error.failure,
      });
    }
    throw error;
  }
  const next = withNewTokens(current, tokens);
  const stored = await completeRefresh({
    ...held,
    credentials: encryptConnectionCredentials(connectionId, next.values),
    accessTokenExpiresAt: next.accessTokenExpiresAt,
  });
  // Superseded: the credentials were replaced while the token endpoint answered (a reconnect); theirs win.
  countTokenRefresh(stored ? "refreshed" : "superseded");
  if (stored) return next;
  const row = await getConnection({ connectionId });
  if (!row) throw connectionRemoved();
  if (row.status === "INVALID") throw reconnectNeeded(row.invalidReason);
  return credentialStateOf(row);
}
