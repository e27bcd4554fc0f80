// `npm run worker`: a process that only works the workflow queues (DATABASE_URL's PostgreSQL),
// so a deployment can add workers on other machines. Stops gracefully on SIGTERM/SIGINT.
import { getDatabase } from "@/db/client";
import { checkVaultKey } from "@/lib/vault/check-key";
import { stopWorkflowEngine } from "@/lib/workflows/engine";
import { startWorkflowWorkers } from "@/lib/workflows/workers";

const { kind } = await getDatabase();
if (kind !== "postgres") {
  console.error("npm run worker needs DATABASE_URL: the embedded PGlite database belongs to the one server process that opened it.");
  process.exit(1);
}
await checkVaultKey();
await startWorkflowWorkers();
console.log("Switchboard worker: working the workflow queues.");

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void stopWorkflowEngine({ graceful: true }).then(() => process.exit(0));
  });
}
