// Refuse to start without the configuration the app needs, and bring the database schema
// up to date before the first request.
import { getDatabase } from "./db/client";
import { getAuthSecret } from "./lib/auth/secret";
import { checkVaultKey } from "./lib/vault/check-key";

try {
  getAuthSecret();
  const { kind } = await getDatabase();
  await checkVaultKey();
  console.log(`Switchboard: ${kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite"} is ready.`);
} catch (error) {
  console.error(`Switchboard cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
