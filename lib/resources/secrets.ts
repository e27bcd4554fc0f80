import { getVaultKey } from "@/lib/vault/key";
import { decryptSecret, encryptSecret } from "@/lib/vault/vault";

// The associated data binds each blob to its resource row and secret name.
function associatedData(resourceId: string, name: string): string {
  return `resource:${resourceId}:${name}`;
}

export function encryptResourceSecret(resourceId: string, name: string, plaintext: string): { name: string; ciphertext: string } {
  return { name, ciphertext: encryptSecret(plaintext, associatedData(resourceId, name), getVaultKey()) };
}

export function decryptResourceSecret(resourceId: string, name: string, ciphertext: string): string {
  return decryptSecret(ciphertext, associatedData(resourceId, name), getVaultKey());
}
