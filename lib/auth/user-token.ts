import { decodeProtectedHeader, errors, importJWK, type JWK, jwtVerify } from "jose";

/** A User Token longer than this is refused before any parsing: real ones are well under 2 KB. */
export const MAX_USER_TOKEN_LENGTH = 8192;
const CLOCK_TOLERANCE_SECONDS = 30;

export class UserTokenError extends Error {
  override name = "UserTokenError";
}

export interface VerificationKey {
  kid: string;
  publicKeyJwk: Record<string, unknown>;
}

export interface VerifiedUser {
  userId: string;
  claims: Record<string, unknown>;
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(authorization: string | null): string | undefined {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? "");
  return match?.[1];
}

/**
 * Verifies a User Token with the project's active keys: RS256 only, `exp`, `iat` and `sub`
 * required, 30 s of clock tolerance, `aud` (when present) must name the project, and the
 * key is the one its `kid` names (or, without a kid, any active key).
 */
export async function verifyUserToken(token: string, { projectId, keys }: { projectId: string; keys: readonly VerificationKey[] }): Promise<VerifiedUser> {
  if (token.length > MAX_USER_TOKEN_LENGTH) throw new UserTokenError("The User Token is too long.");
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== "RS256") throw new UserTokenError(`User Tokens must be signed with RS256, not ${String(header.alg)}.`);
    kid = typeof header.kid === "string" ? header.kid : undefined;
  } catch (error) {
    if (error instanceof UserTokenError) throw error;
    throw new UserTokenError("The User Token is not a JWT.");
  }
  const candidates = kid === undefined ? keys : keys.filter((key) => key.kid === kid);
  if (!candidates.length) {
    throw new UserTokenError(kid === undefined ? "The project has no active signing key." : `No active signing key has the kid "${kid}".`);
  }

  let lastError: unknown;
  for (const key of candidates) {
    try {
      const publicKey = await importJWK(key.publicKeyJwk as JWK, "RS256");
      const { payload } = await jwtVerify(token, publicKey, {
        algorithms: ["RS256"],
        requiredClaims: ["exp", "iat", "sub"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      const now = Math.floor(Date.now() / 1000);
      if (payload.iat! > now + CLOCK_TOLERANCE_SECONDS) throw new UserTokenError("The User Token was issued in the future (iat).");
      if (payload.aud !== undefined) {
        const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
        if (!audiences.includes(projectId)) throw new UserTokenError("The User Token's audience (aud) is not this project.");
      }
      if (typeof payload.sub !== "string" || !payload.sub || payload.sub.length > 256) {
        throw new UserTokenError("The User Token's sub must be the user's id (1–256 characters).");
      }
      return { userId: payload.sub, claims: payload };
    } catch (error) {
      if (error instanceof UserTokenError) throw error;
      lastError = error;
    }
  }
  throw new UserTokenError(describeJoseError(lastError));
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "The User Token has expired.";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return "The User Token is not valid yet (nbf).";
    return `The User Token's ${error.claim} claim is missing or invalid.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The User Token's signature does not match the project's signing key.";
  return "The User Token is not valid.";
}
