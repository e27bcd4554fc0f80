import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from "jose";
import { AppError } from "@/lib/errors";
import { OutboundError, type OutboundPolicy, sendRequest } from "@/lib/http/client";
import { findUnstorableText } from "@/lib/jsonb";
import type { UserProfileSettings } from "@/lib/resources/schema";
import type { ConnectionSession } from "./session";

// A User Profile read from the access token's claims decides whose webhook events a connection
// receives, and anyone can write a JWT: its claims are kept only once the API has vouched for
// the token, by accepting a request made with it or by the signature its JWKS URL verifies.

/** Only signatures a key published in a JWKS can make: never `none`, never a shared secret. */
const ASYMMETRIC_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];

/** A fetched JWKS is used this long, then fetched again. */
const JWKS_TTL_MS = 5 * 60_000;
/** A token naming a key the cached set lacks (the API rotated its keys) fetches the set again, at most this often. */
const JWKS_REFETCH_COOLDOWN_MS = 30_000;
const JWKS_MAX_BYTES = 256 * 1024;
const JWKS_TIMEOUT_MS = 5_000;
/** URLs (by address policy) whose set this process keeps; the oldest is dropped past it. */
const JWKS_CACHE_ENTRIES = 256;
const CLOCK_TOLERANCE_SECONDS = 30;
/** The longest claim text kept as a profile value. */
const MAX_CLAIM_LENGTH = 1024;

type KeySet = ReturnType<typeof createLocalJWKSet>;
const jwksCache = new Map<string, { keys: Promise<KeySet>; fetchedAt: number }>();

function unverified(reason: string) {
  return new AppError("profile_unverified", { message: `The User Profile's JWT field was not kept: ${reason}` });
}

function jwksFailed(reason: string) {
  return new AppError("profile_request_failed", { message: `The resource's JWKS URL could not be read: ${reason}` });
}

/** The JWKS at `url`, fetched through the outbound client (its address policy applies) and kept a while. */
function jwksAt(url: string, policy: OutboundPolicy, { refetch = false } = {}): Promise<KeySet> {
  // Keyed by the policy too: a set fetched where private addresses are allowed is not another project's.
  const key = `${policy.allowPrivateNetwork ? "private" : "public"} ${url}`;
  const cached = jwksCache.get(key);
  const age = cached ? Date.now() - cached.fetchedAt : Infinity;
  if (cached && age < JWKS_TTL_MS && !(refetch && age >= JWKS_REFETCH_COOLDOWN_MS)) return cached.keys;
  const keys = fetchJwks(url, policy);
  jwksCache.delete(key);
  jwksCache.set(key, { keys, fetchedAt: Date.now() });
  if (jwksCache.size > JWKS_CACHE_ENTRIES) jwksCache.delete(jwksCache.keys().next().value!);
  // A failure is not kept: the next connect tries again.
  keys.catch(() => {
    if (jwksCache.get(key)?.keys === keys) jwksCache.delete(key);
  });
  return keys;
}

async function fetchJwks(url: string, policy: OutboundPolicy): Promise<KeySet> {
  let response;
  try {
    response = await sendRequest(
      { method: "GET", url, headers: { accept: "application/json" } },
      { ...policy, timeoutMs: JWKS_TIMEOUT_MS, connectTimeoutMs: JWKS_TIMEOUT_MS, maxResponseBytes: JWKS_MAX_BYTES },
    );
  } catch (error) {
    if (error instanceof OutboundError) throw jwksFailed(error.message);
    throw error;
  }
  if (response.status < 200 || response.status >= 300) throw jwksFailed(`it answered ${response.status}.`);
  if (response.truncated) throw jwksFailed(`its answer is over ${JWKS_MAX_BYTES / 1024} KB.`);
  try {
    return createLocalJWKSet(JSON.parse(response.body));
  } catch {
    throw jwksFailed("its answer is not a JSON Web Key Set.");
  }
}

async function verifiedWithJwks(token: string, url: string, policy: OutboundPolicy): Promise<JWTPayload> {
  const verify = async (keys: KeySet) =>
    (await jwtVerify(token, keys, { algorithms: ASYMMETRIC_ALGORITHMS, clockTolerance: CLOCK_TOLERANCE_SECONDS })).payload;
  try {
    try {
      return await verify(await jwksAt(url, policy));
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      return await verify(await jwksAt(url, policy, { refetch: true }));
    }
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw unverified("the access token has expired: connect with a current one.");
    if (error instanceof errors.JOSEAlgNotAllowed)
      throw unverified("the access token is not signed with a key a JWKS can publish (RS, PS, ES or EdDSA).");
    if (error instanceof errors.JWKSNoMatchingKey) throw unverified("no key of the resource's JWKS URL matches the access token's.");
    if (error instanceof errors.JOSEError)
      throw unverified("the access token's signature does not verify against the resource's JWKS URL.");
    throw error;
  }
}

/** Reads `a.b.c` out of a JSON value (own properties only). */
export function pick(value: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (current, key) =>
        current && typeof current === "object" && Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined,
      value,
    );
}

/**
 * The User Profile of a JWT field: the claim at the claim path of an access token the API vouches
 * for. With a JWKS URL its signature must verify against those keys; without, the API must accept
 * a request made with it (GET on the API Base URL's root, through the session: a token it refuses
 * is refreshed once, and the claims are then the new token's).
 */
export async function jwtProfile(
  session: ConnectionSession,
  settings: UserProfileSettings,
  policy: OutboundPolicy,
): Promise<Record<string, unknown>> {
  let token: string;
  if (settings.jwksUrl) {
    token = await session.accessToken();
    await verifiedWithJwks(token, settings.jwksUrl, policy);
  } else {
    const { status } = (await session.send({ method: "GET", path: "/" })).response;
    if (status === 401 || status === 403) {
      throw new AppError("credentials_rejected", {
        message: `The API refused these credentials: GET / on the API Base URL answered ${status}.`,
      });
    }
    if (status >= 500)
      throw new AppError("profile_request_failed", {
        message: `The User Profile could not be checked: GET / on the API Base URL answered ${status}.`,
      });
    if (status < 200 || status >= 300) {
      throw unverified(
        `GET / on the API Base URL answered ${status}, not 2xx, so the API did not vouch for the access token. Give the resource a JWKS URL to verify its tokens instead.`,
      );
    }
    token = session.current().values.access_token ?? "";
  }
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new AppError("credentials_rejected", {
      message: "The API refused these credentials: the access token is not a JWT, so the User Profile's JWT field cannot be read.",
    });
  }
  const value = pick(claims, settings.claimPath) ?? null;
  if (value !== null && typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
    throw new AppError("invalid_profile", {
      message: `The access token's claim ${settings.claimPath} is not a string, number or boolean.`,
    });
  }
  if (typeof value === "string" && (value.length > MAX_CLAIM_LENGTH || findUnstorableText(value, settings.claimPath))) {
    throw new AppError("invalid_profile", {
      message: `The access token's claim ${settings.claimPath} is over ${MAX_CLAIM_LENGTH} characters or holds a NUL character or a lone surrogate.`,
    });
  }
  return { [settings.claimPath]: value };
}
