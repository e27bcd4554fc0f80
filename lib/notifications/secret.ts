import { getVaultKey } from "@/lib/vault/key";
import { decryptSecret, encryptSecret } from "@/lib/vault/vault";

// An endpoint's whsec_ signing secret, encrypted at rest, bound to its endpoint row.
const associatedData = (endpointId: string) => `notification-endpoint:${endpointId}:secret`;

export function encryptEndpointSecret(endpointId: string, secret: string): string {
  return encryptSecret(secret, associatedData(endpointId), getVaultKey());
}

export function decryptEndpointSecret(endpointId: string, ciphertext: string): string {
  return decryptSecret(ciphertext, associatedData(endpointId), getVaultKey());
}
