import { randomBytes } from "node:crypto";
import { databaseUrl, dataDir } from "@/db/env";
import { ConfigError } from "@/lib/config/env";
import { readOrCreateSecretFile } from "@/lib/config/secret-file";
import type { VaultKey } from "./vault";

/** Key versions exist so a later rotation can tell old blobs from new; this is the first. */
const CURRENT_KEY_VERSION = 1;

export function parseEncryptionKey(base64: string, source: string): Buffer {
  const key = Buffer.from(base64.trim(), "base64");
  if (key.length !== 32) {
    throw new ConfigError(
      `${source} must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`); it decodes to ${key.length} bytes.`,
    );
  }
  return key;
}

/**
 * The key that encrypts secrets at rest: SWITCHBOARD_ENCRYPTION_KEY, or on the embedded
 * default one generated once into the data directory. With DATABASE_URL it must be
 * configured, since every server sharing the database needs the same key.
 */
export function getVaultKey(): VaultKey {
  // Every secret read or written asks for the key: read the file (or decode the variable) once
  // per configuration rather than on each call.
  const source = `${process.env.SWITCHBOARD_ENCRYPTION_KEY ?? ""}|${databaseUrl() ?? ""}|${dataDir()}`;
  if (cachedKey?.source !== source) cachedKey = { source, key: loadVaultKey() };
  return cachedKey.key;
}

let cachedKey: { source: string; key: VaultKey } | undefined;

function loadVaultKey(): VaultKey {
  const fromEnv = process.env.SWITCHBOARD_ENCRYPTION_KEY;
  if (fromEnv) return { version: CURRENT_KEY_VERSION, key: parseEncryptionKey(fromEnv, "SWITCHBOARD_ENCRYPTION_KEY") };
  if (databaseUrl()) {
    throw new ConfigError(
      "SWITCHBOARD_ENCRYPTION_KEY is not set. It is required when DATABASE_URL is set: generate one with " +
        "`openssl rand -base64 32`, keep it safe, and give every Switchboard server the same value.",
    );
  }
  const stored = readOrCreateSecretFile("encryption-key", () => randomBytes(32).toString("base64"));
  return { version: CURRENT_KEY_VERSION, key: parseEncryptionKey(stored, "The encryption key in the data directory") };
}
