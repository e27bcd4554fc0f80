import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { AuditActor } from "@/lib/audit/audit-log";
import { getVaultKey } from "@/lib/vault/key";
import { decryptSecret, encryptSecret } from "@/lib/vault/vault";

// The Connect Portal's random values: the session token (in /connect/{token}), the OAuth state and
// the browser-binding cookie are 32 random bytes each, kept only as SHA-256 hashes; the PKCE
// verifier and the inputs typed before Continue are encrypted with the session's id as associated data.

/** 32 random bytes, base64url (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** SHA-256 of a token, base64url: what the database keeps. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64url");
}

/** Whether `token` hashes to `hash`, compared in constant time. */
export function tokenMatches(token: string | undefined, hash: string | null): boolean {
  if (!token || !hash) return false;
  const a = Buffer.from(hashToken(token));
  const b = Buffer.from(hash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What Continue keeps until the callback: the PKCE verifier (when Use PKCE is on) and the Required Inputs typed. */
export interface PendingAuthorization {
  codeVerifier?: string;
  inputs: Record<string, string>;
  /** A test-connection session: the team member who pressed Continue, whom the audit log names. */
  actor?: AuditActor;
}

const associatedData = (sessionId: string) => `connect_session:${sessionId}:authorization`;

export function encryptPendingAuthorization(sessionId: string, pending: PendingAuthorization): string {
  return encryptSecret(JSON.stringify(pending), associatedData(sessionId), getVaultKey());
}

export function decryptPendingAuthorization(sessionId: string, ciphertext: string): PendingAuthorization {
  const parsed = JSON.parse(decryptSecret(ciphertext, associatedData(sessionId), getVaultKey())) as PendingAuthorization;
  return {
    inputs: parsed.inputs ?? {},
    ...(parsed.codeVerifier ? { codeVerifier: parsed.codeVerifier } : {}),
    ...(parsed.actor ? { actor: parsed.actor } : {}),
  };
}

/** The PKCE S256 challenge of a verifier (RFC 7636 §4.2). */
export function codeChallenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}
