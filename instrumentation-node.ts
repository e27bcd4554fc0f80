// Refuse to start without the configuration the app needs, bring the database schema up to
// date before the first request, and start the job queue.
import { getDatabase } from "./db/client";
import { getAuthSecret } from "./lib/auth/secret";
import { checkVaultKey } from "./lib/vault/check-key";
import { applyEmbeddedNextAuthUrl, workflowWorkersEnabled } from "./lib/config/env";
import { log } from "./lib/log";
import { getJobQueue } from "./lib/jobs/queue";
import { startWorkers } from "./lib/jobs/workers";

try {
  // Before the first request: next-auth reads NEXTAUTH_URL at each one.
  applyEmbeddedNextAuthUrl();
  getAuthSecret();
  const { kind } = await getDatabase();
  await checkVaultKey();
  // The job queue (pg-boss) on the same database; this process works it unless SWITCHBOARD_WORKERS=0.
  if (workflowWorkersEnabled()) await startWorkers();
  else await getJobQueue();
  log.info({ database: kind }, `Switchboard: ${kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite"} is ready.`);
} catch (error) {
  // Start-up errors are ours (a missing or wrong key, an unreachable database): their messages say what to fix.
  log.fatal(`Switchboard cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
