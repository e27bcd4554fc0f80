// The benchmark's floor for the workflow engine: a process whose pg-boss works a queue with the
// step queue's own options (lib/workflows/step-queue.ts) and a handler that does nothing, so
// what it measures is pg-boss's fetch/complete round trips alone: batches of the step queue's size, fetched again at
// once while they come back full, woken by LISTEN/NOTIFY, each job settled on its own, as the
// step workers do.
// Usage: node --import tsx bench/noop-worker.ts <queue>   (DATABASE_URL: the bench database)
import { PgBoss } from "pg-boss";
import { STEP_QUEUE_OPTIONS, stepWorkOptions } from "@/lib/workflows/step-queue";

const queue = process.argv[2];
const url = process.env.DATABASE_URL;
if (!queue || !url) {
  console.error("usage: DATABASE_URL=… node --import tsx bench/noop-worker.ts <queue>");
  process.exit(1);
}
const boss = new PgBoss({ connectionString: url, max: 5, application_name: "bench-noop-worker", useListenNotify: true });
boss.on("error", (error: Error) => console.error(`noop worker: ${error.message}`));
await boss.start();
await boss.createQueue(queue, STEP_QUEUE_OPTIONS);
await boss.work(queue, stepWorkOptions(), async (jobs) => jobs.map((job) => ({ id: job.id, status: "completed" as const })));
console.log("NOOP_WORKER_READY");
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void boss.stop({ graceful: true, close: true, timeout: 5000 }).then(() => process.exit(0));
  });
}
