import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

/**
 * Secrets at rest: AES-256-GCM with a random 96-bit IV per value and a 16-byte tag. The
 * associated data names the owning row and field, so a blob copied to another row or field
 * does not decrypt. Format: `v<key version>.<base64url(iv ‖ ciphertext ‖ tag)>`.
 */
export interface VaultKey {
  version: number;
  key: Buffer;
}

export class VaultError extends Error {
  override name = "VaultError";
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function encryptSecret(plaintext: string, associatedData: string, { version, key }: VaultKey): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `v${version}.${Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString("base64url")}`;
}

export function decryptSecret(blob: string, associatedData: string, { version, key }: VaultKey): string {
  const match = /^v(\d+)\.([A-Za-z0-9_-]+)$/.exec(blob);
  if (!match) throw new VaultError("The stored secret is not in a format Switchboard wrote.");
  if (Number(match[1]) !== version) {
    throw new VaultError(`The stored secret was encrypted with key version ${match[1]}, not ${version}.`);
  }
  const bytes = Buffer.from(match[2]!, "base64url");
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new VaultError("The stored secret is truncated.");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, "utf8"));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new VaultError("The stored secret could not be decrypted: it was altered, moved, or written with another key.");
  }
}

/** A value that identifies a key without revealing it, stored to detect a changed key at start-up. */
export function keyFingerprint(key: Buffer): string {
  return createHmac("sha256", key).update("switchboard vault key check").digest("hex").slice(0, 32);
}
