import { z } from "zod";
import { getVaultKey } from "@/lib/vault/key";
import { decryptSecret, encryptSecret } from "@/lib/vault/vault";

/** A connection's credential values by key (inputs, API keys, access_token, refresh_token). */
export type ConnectionCredentials = Record<string, string>;

const credentialsSchema = z.record(z.string(), z.string());

function associatedData(connectionId: string): string {
  return `connection:${connectionId}:credentials`;
}

export function encryptConnectionCredentials(connectionId: string, credentials: ConnectionCredentials): string {
  return encryptSecret(JSON.stringify(credentials), associatedData(connectionId), getVaultKey());
}

export function decryptConnectionCredentials(connectionId: string, ciphertext: string): ConnectionCredentials {
  return credentialsSchema.parse(JSON.parse(decryptSecret(ciphertext, associatedData(connectionId), getVaultKey())));
}
