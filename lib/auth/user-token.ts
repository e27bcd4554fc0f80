import { decodeProtectedHeader, errors, importJWK, type JWK, jwtVerify } from "jose";

/** A User Token longer than this is refused before any parsing: real ones are well under 2 KB. */
export const MAX_USER_TOKEN_LENGTH = 8192;
/** How far the issuer's clock may differ from ours, for exp and iat. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** The longest a User Token may live (`exp` − `iat`) unless the caller says otherwise. */
export const DEFAULT_MAX_USER_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
/** The longest user ID (a User Token's `sub`, or X-Switchboard-User) accepted. */
export const MAX_USER_ID_LENGTH = 255;
// C0 controls (NUL included: PostgreSQL refuses it in text), DEL and C1 controls.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export class UserTokenError extends Error {
  override name = "UserTokenError";
}

export interface VerificationKey {
  kid: string;
  publicKeyJwk: Record<string, unknown>;
  /** The key imported ahead (kept per process, see lib/projects/sdk-state.ts); imported from the JWK when absent. */
  publicKey?: Awaited<ReturnType<typeof importJWK>>;
}

export interface VerifiedUser {
  userId: string;
  claims: Record<string, unknown>;
}

/**
 * Why a user ID (a User Token's `sub`, or a Secret Key call's X-Switchboard-User) is not
 * acceptable, or undefined when it is: 1–255 characters of well-formed Unicode with no
 * control characters. It is stored and compared as text, so nothing PostgreSQL refuses
 * (NUL) or silently rewrites (a lone surrogate) gets through.
 */
export function userIdProblem(value: string): string | undefined {
  if (!value) return "must not be empty";
  if (value.length > MAX_USER_ID_LENGTH) return `must be at most ${MAX_USER_ID_LENGTH} characters`;
  if (CONTROL_CHARACTERS.test(value)) return "must not contain control characters";
  if (!value.isWellFormed()) return "must be well-formed Unicode (no lone surrogates)";
  return undefined;
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(authorization: string | null): string | undefined {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? "");
  return match?.[1];
}

/**
 * Verifies a User Token with the project's active keys: RS256 only, `exp`, `iat` and `sub`
 * required, 30 s of clock tolerance, a lifetime (`exp` − `iat`) of at most
 * `maxLifetimeSeconds` (24 hours by default), `aud` (when present) must name the project,
 * `sub` must be an acceptable user ID (see `userIdProblem`), and the key is the one its
 * `kid` names (or, without a kid, any active key).
 */
export async function verifyUserToken(
  token: string,
  {
    projectId,
    keys,
    maxLifetimeSeconds = DEFAULT_MAX_USER_TOKEN_LIFETIME_SECONDS,
  }: { projectId: string; keys: readonly VerificationKey[]; maxLifetimeSeconds?: number },
): Promise<VerifiedUser> {
  if (!(maxLifetimeSeconds > 0)) throw new RangeError("maxLifetimeSeconds must be a positive number of seconds.");
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
      const publicKey = key.publicKey ?? (await importJWK(key.publicKeyJwk as JWK, "RS256"));
      const { payload } = await jwtVerify(token, publicKey, {
        algorithms: ["RS256"],
        requiredClaims: ["exp", "iat", "sub"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      const now = Math.floor(Date.now() / 1000);
      // jose has checked that exp and iat are numbers; JSON's 1e400 is Infinity, so NaN is refused too.
      if (payload.iat! > now + CLOCK_TOLERANCE_SECONDS) throw new UserTokenError("The User Token was issued in the future (iat).");
      if (!(payload.exp! - payload.iat! <= maxLifetimeSeconds)) {
        throw new UserTokenError(`The User Token's lifetime (exp − iat) is over the limit of ${describeSeconds(maxLifetimeSeconds)}.`);
      }
      if (payload.aud !== undefined) {
        const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
        if (!audiences.includes(projectId)) throw new UserTokenError("The User Token's audience (aud) is not this project.");
      }
      if (typeof payload.sub !== "string") throw new UserTokenError("The User Token's sub must be the user's id, a string.");
      const problem = userIdProblem(payload.sub);
      if (problem) throw new UserTokenError(`The User Token's sub ${problem}.`);
      return { userId: payload.sub, claims: payload };
    } catch (error) {
      if (error instanceof UserTokenError) throw error;
      lastError = error;
    }
  }
  throw new UserTokenError(describeJoseError(lastError));
}

function describeSeconds(seconds: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? "" : "s"}`;
  if (seconds % 3600 === 0) return plural(seconds / 3600, "hour");
  if (seconds % 60 === 0) return plural(seconds / 60, "minute");
  return plural(seconds, "second");
}

/** What a call with an expired User Token hears (401 invalid_user_token). */
export const USER_TOKEN_EXPIRED_MESSAGE = "The User Token has expired.";

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return USER_TOKEN_EXPIRED_MESSAGE;
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return "The User Token is not valid yet (nbf).";
    return `The User Token's ${error.claim} claim is missing or invalid.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The User Token's signature does not match the project's signing key.";
  return "The User Token is not valid.";
}
