import { registerVaultKey } from "@/db/queries/vault-keys";
import { ConfigError } from "@/lib/config/env";
import { getVaultKey } from "./key";
import { keyFingerprint } from "./vault";

/**
 * Refuses to run with a key other than the one this database's secrets were written with:
 * every secret would fail to decrypt later, one request at a time.
 */
export async function checkVaultKey(): Promise<void> {
  const { version, key } = getVaultKey();
  const fingerprint = keyFingerprint(key);
  const stored = await registerVaultKey({ version, fingerprint });
  if (stored !== fingerprint) {
    throw new ConfigError(
      `The encryption key (SWITCHBOARD_ENCRYPTION_KEY, or .data/encryption-key on the embedded database) is not ` +
        `the key this database's secrets were encrypted with (key version ${version}: expected fingerprint ` +
        `${stored}, got ${fingerprint}). Start Switchboard with the original key.`,
    );
  }
}
