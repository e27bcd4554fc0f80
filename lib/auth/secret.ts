import { randomBytes } from "node:crypto";
import { databaseUrl } from "@/db/env";
import { ConfigError } from "@/lib/config/env";
import { readOrCreateSecretFile } from "@/lib/config/secret-file";

/**
 * The key that signs dashboard sessions. NEXTAUTH_SECRET wins; on the embedded default a
 * random one is generated once into the data directory. A shared PostgreSQL means several
 * servers, which must all be given the same secret, so there it has to be configured.
 */
export function getAuthSecret(): string {
  const fromEnv = process.env.NEXTAUTH_SECRET;
  if (fromEnv) return fromEnv;
  if (databaseUrl()) {
    throw new ConfigError(
      "NEXTAUTH_SECRET is not set. It is required when DATABASE_URL is set: generate one with " +
        "`openssl rand -base64 32` and give every Switchboard server the same value.",
    );
  }
  return readOrCreateSecretFile("auth-secret", () => randomBytes(32).toString("base64url"));
}
