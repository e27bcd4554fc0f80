import { createHash, randomBytes } from "node:crypto";

/** Server-to-server keys start with this, so they are told apart from User Tokens (JWTs). */
export const SECRET_KEY_PREFIX = "sk_";

/** A new secret key: shown once; only its hash and a recognisable prefix are stored. */
export function generateSecretKey(): { key: string; prefix: string; hash: string } {
  const key = `${SECRET_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { key, prefix: key.slice(0, 10), hash: hashSecretKey(key) };
}

// The keys are 256-bit random values: a fast hash is enough, and lets a lookup use an index.
export function hashSecretKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function isSecretKey(token: string): boolean {
  return token.startsWith(SECRET_KEY_PREFIX);
}
