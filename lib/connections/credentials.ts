import { createHmac } from "node:crypto";
import { z } from "zod";
import type { Connection } from "@/db/schema";
import type { TokenSet } from "@/lib/oauth/token";
import { getVaultKey } from "@/lib/vault/key";
import { decryptSecret, encryptSecret } from "@/lib/vault/vault";

/** A connection's credential values by key (inputs, API keys, access_token, refresh_token). */
export type ConnectionCredentials = Record<string, string>;

/** What a session knows of one row's credentials. */
export interface CredentialState {
  values: ConnectionCredentials;
  accessTokenExpiresAt: Date | null;
  /** When the access token was obtained: with the expiry, its lifetime. */
  obtainedAt: Date | null;
  /** The row's credentials version this state was read at (0 for credentials not stored yet). */
  version: number;
}

const credentialsSchema = z.record(z.string(), z.string());

function associatedData(connectionId: string): string {
  return `connection:${connectionId}:credentials`;
}

export function encryptConnectionCredentials(connectionId: string, credentials: ConnectionCredentials): string {
  return encryptSecret(JSON.stringify(credentials), associatedData(connectionId), getVaultKey());
}

export function decryptConnectionCredentials(connectionId: string, ciphertext: string): ConnectionCredentials {
  return credentialsSchema.parse(JSON.parse(decryptSecret(ciphertext, associatedData(connectionId), getVaultKey())));
}

export function credentialStateOf(connection: Connection): CredentialState {
  return {
    values: decryptConnectionCredentials(connection.id, connection.credentials),
    accessTokenExpiresAt: connection.accessTokenExpiresAt,
    obtainedAt: connection.refreshedAt,
    version: connection.credentialsVersion,
  };
}

/**
 * The one way new tokens join credentials: a new access token and its expiry, and the refresh
 * token only when one came (a token endpoint that does not rotate keeps the old one).
 */
export function withNewTokens(state: CredentialState, tokens: TokenSet): CredentialState {
  return {
    values: { ...state.values, access_token: tokens.accessToken, ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}) },
    accessTokenExpiresAt: tokens.expiresAt ?? null,
    obtainedAt: new Date(),
    version: state.version,
  };
}

const MAX_EXPIRY_MARGIN_MS = 60_000;

/**
 * Whether the stored access token can be used as it is. A token about to expire is refreshed
 * first; "about to" is a minute, or half the token's lifetime when it lives less than two, so
 * that a short-lived token is not refreshed on every call.
 */
export function hasUsableAccessToken(state: CredentialState, now = Date.now()): boolean {
  if (!state.values.access_token) return false;
  if (!state.accessTokenExpiresAt) return true;
  const expiresAt = state.accessTokenExpiresAt.getTime();
  const lifetime = state.obtainedAt ? expiresAt - state.obtainedAt.getTime() : Infinity;
  const margin = Math.min(MAX_EXPIRY_MARGIN_MS, Math.max(0, lifetime / 2));
  return expiresAt - now >= margin;
}

/**
 * A keyed hash of what an OAuth grant is made of, so the test and app connections can tell
 * whether their tokens come from the grant a configuration now names. Keyed with the vault
 * key: a weak client secret cannot be guessed from the stored hash.
 */
export function grantFingerprint(parts: readonly unknown[]): string {
  return createHmac("sha256", getVaultKey().key)
    .update(JSON.stringify(["grant", ...parts]))
    .digest("base64url");
}
