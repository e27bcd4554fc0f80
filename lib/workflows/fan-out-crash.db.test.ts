import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { listRunItems } from "@/db/queries/workflow-run-items";
import { startWorkerProcess, type WorkerProcess } from "@/test/support/worker-process";
import { connectedUser, deployedWorkflow, requestStep, waitFor } from "@/test/support/workflow-fixtures";
import { workflowTestEnv } from "@/test/support/workflow-test-env";
import { startWorkers } from "@/lib/jobs/workers";
import { getRunDetail } from "./runs";
import { sendAppEvent } from "./triggers";

// A worker SIGKILLed in the middle of a Fan Out (a real child running scripts/worker.ts, as in
// worker-processes.db.test.ts): once the heartbeat of its items' jobs expires, this process's
// workers take them over, and the run ends once, with every item counted exactly once and every
// repeated request carrying its item's Idempotency-Key. PGlite is one process's database, so
// this needs DATABASE_URL.

const onPostgres = Boolean(process.env.DATABASE_URL);

let child: WorkerProcess | undefined;

// A database of the file's own: no other test file's workers may take these jobs. This process's
// engine sends jobs; its workers start only once the child is killed.
const env = workflowTestEnv({ resources: { echo: "root" }, workers: "engine", postgresOnly: true });
afterEach(async () => {
  await child?.stop();
  child = undefined;
});

const seen = (path: string) => env.tasklab.apiRequests.filter((request) => request.path === path);

describe.skipIf(!onPostgres)(
  "a worker SIGKILLed in the middle of a Fan Out (skipped without DATABASE_URL: PGlite is one process's database)",
  () => {
    it("another process's workers take over its items; the run ends Succeeded once with every item exactly once", async () => {
      child = startWorkerProcess();
      await child.ready;
      const userId = await connectedUser(env.projectId, env.resources.echo, env.tasklab);
      const key = `after-${randomUUID().slice(0, 8)}`;
      const eventName = `crash-${randomUUID().slice(0, 8)}`;
      await deployedWorkflow(env.projectId, {
        trigger: { kind: "app_event", eventName },
        steps: [
          {
            key: "each",
            type: "fan_out",
            items: "{{trigger.payload.items}}",
            concurrency: 2,
            onItemFailure: "fail",
            body: [requestStep(env.resources.echo, "slow", "GET", "/api/slow", { query: { ms: "{{fanout.item.ms}}" } })],
          },
          requestStep(env.resources.echo, "after", "GET", `/api/flaky/${key}`, { query: { failures: "0" } }),
        ],
      });
      const items = [{ ms: 3000 }, { ms: 3000 }, { ms: 200 }, { ms: 200 }];
      // Only the child works the step queue yet, so it takes the Fan Out and its first two items.
      const { runIds } = await sendAppEvent({
        projectId: env.projectId,
        caller: { kind: "backend", userId },
        name: eventName,
        payload: { items },
      });
      const runId = runIds[0]!;
      await waitFor(
        "the child's first two items to reach TaskLab",
        async () => seen("/api/slow").length,
        (count) => count === 2,
        { timeoutMs: 30_000 },
      );

      child.kill();
      expect(await child.exited).toBe("signal SIGKILL");
      child = undefined;
      await startWorkers();

      const detail = await waitFor(
        "the run to end",
        () => getRunDetail({ projectId: env.projectId, runId }),
        (found) => !["queued", "running"].includes(found.run.status),
        {
          timeoutMs: 60_000,
          intervalMs: 200,
        },
      );
      expect(detail.run).toMatchObject({ status: "succeeded", error: null });
      // The run went on after the Fan Out once: one call of the step after it.
      expect(seen(`/api/flaky/${key}`).map((request) => request.idempotencyKey)).toEqual([`${runId}:after`]);
      const fanOut = detail.steps.find((step) => step.stepKey === "each" && step.item === -1)!;
      expect(fanOut.status).toBe("succeeded");
      expect(fanOut.output).toMatchObject({ succeeded: 4, failed: 0 });
      expect((fanOut.output as { items: unknown[] }).items).toEqual(
        items.map((item) => expect.objectContaining({ status: 200, body: { waitedMs: item.ms } })),
      );
      expect((await listRunItems({ runId, position: 0, limit: 10 })).map((row) => row.status)).toEqual(Array(4).fill("succeeded"));
      const itemRows = detail.steps.filter((step) => step.stepKey === "slow");
      expect(itemRows.map((step) => [step.item, step.status]).sort()).toEqual([0, 1, 2, 3].map((item) => [item, "succeeded"]));
      // Every item's request went out at least once (the killed ones twice), each time with that item's key.
      const requests = seen("/api/slow");
      const keys = [0, 1, 2, 3].map((item) => `${runId}:slow:${item}`);
      expect(new Set(requests.map((request) => request.idempotencyKey))).toEqual(new Set(keys));
      expect(keys.map((itemKey) => requests.filter((request) => request.idempotencyKey === itemKey).length)).toEqual([2, 2, 1, 1]);
      // The killed items' first attempts show as the worker's, stopped.
      for (const item of [0, 1]) {
        expect(itemRows.find((step) => step.item === item)!.attempts).toEqual([
          expect.objectContaining({ durationMs: 0, error: "The worker stopped during this attempt; it was tried again." }),
          expect.objectContaining({ status: 200 }),
        ]);
      }
    }, 150_000);
  },
);
