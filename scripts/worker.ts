// `npm run worker`: a process that only works the job queues (DATABASE_URL's PostgreSQL),
// so a deployment can add workers on other machines. Stops gracefully on SIGTERM/SIGINT.
import { getDatabase } from "@/db/client";
import { checkVaultKey } from "@/lib/vault/check-key";
import { stopJobQueue } from "@/lib/jobs/queue";
import { startWorkers } from "@/lib/jobs/workers";

const { kind } = await getDatabase();
if (kind !== "postgres") {
  console.error("npm run worker needs DATABASE_URL: the embedded PGlite database belongs to the one server process that opened it.");
  process.exit(1);
}
await checkVaultKey();
await startWorkers();
console.log("Switchboard worker: working the job queues.");

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void stopJobQueue({ graceful: true }).then(() => process.exit(0));
  });
}
