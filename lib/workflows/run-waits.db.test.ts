import { eq } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDatabase, getDb } from "@/db/client";
import { createRuns, getRun } from "@/db/queries/workflow-runs";
import { workflowRuns } from "@/db/schema";
import { projectWithSigningKey } from "@/test/support/connect-fixtures";
import { alwaysStep } from "@/test/support/sdk-route-fixtures";
import { deployedWorkflow, waitFor } from "@/test/support/workflow-fixtures";
import { stopRunEndListener, waitForRunEnd } from "./run-waits";

// `?wait=true` waiters are woken by their run's end (or answer), notified by the database in the
// transaction that ends the run (or keeps its answer), whoever ends it: on PostgreSQL a connection that is not the
// app's (as another server or `npm run worker` process would), on PGlite the one instance.

let projectId: string;
let workflowId: string;

beforeAll(async () => {
  ({ projectId } = await projectWithSigningKey());
  workflowId = await deployedWorkflow(projectId, { trigger: { kind: "request" }, steps: [alwaysStep] });
});
afterAll(async () => {
  await stopRunEndListener();
});

/** A queued run with no job: nothing but the test ends it. */
async function queuedRun(): Promise<string> {
  const [run] = await createRuns({
    runs: [{ projectId, workflowId, version: 1, userId: null, trigger: { kind: "request", input: { body: {} } } }],
    enqueue: async () => {},
  });
  return run!.id;
}

/** Ends the run as a worker of another process would: on PostgreSQL, through a connection of its own. */
async function endElsewhere(runId: string): Promise<void> {
  const { kind } = await getDatabase();
  if (kind === "pglite") {
    await (await getDb()).update(workflowRuns).set({ status: "succeeded", finishedAt: new Date() }).where(eq(workflowRuns.id, runId));
    return;
  }
  const elsewhere = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    await elsewhere`update workflow_runs set status = 'succeeded', finished_at = now() where id = ${runId}`;
  } finally {
    await elsewhere.end();
  }
}

/** Keeps a Response step's answer as a worker of another process would (migration 0020 notifies it like an end). */
async function answerElsewhere(runId: string): Promise<void> {
  const answer = { status: 201, headers: {}, body: { ok: true } };
  const { kind } = await getDatabase();
  if (kind === "pglite") {
    await (await getDb()).update(workflowRuns).set({ answer, answeredAt: new Date() }).where(eq(workflowRuns.id, runId));
    return;
  }
  const elsewhere = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    await elsewhere`update workflow_runs set answer = ${elsewhere.json(answer)}, answered_at = now() where id = ${runId}`;
  } finally {
    await elsewhere.end();
  }
}

describe("waitForRunEnd", () => {
  it("wakes when the run is ended through another connection, without polling for it", async () => {
    const runId = await queuedRun();
    let reads = 0;
    const ended = waitForRunEnd({
      runId,
      deadline: Date.now() + 20_000,
      // No safety check within the test: only the notification can wake the waiter before its deadline.
      safetyCheckMs: 60_000,
      readEnded: async () => {
        reads++;
        const run = await getRun({ projectId, runId });
        return run?.status === "succeeded" ? run : undefined;
      },
    });
    // The first read follows the LISTEN: from here the end cannot be missed.
    await waitFor(
      "the waiter's first read",
      async () => reads,
      (count) => count === 1,
    );
    await endElsewhere(runId);
    expect(await ended).toMatchObject({ id: runId, status: "succeeded" });
    // Read once at the start and once when woken: neither a poll nor the deadline answered.
    expect(reads).toBe(2);
  });

  it("wakes when the run answers (its Response step) while it goes on, without polling for it", async () => {
    const runId = await queuedRun();
    let reads = 0;
    const answered = waitForRunEnd({
      runId,
      deadline: Date.now() + 20_000,
      safetyCheckMs: 60_000,
      readEnded: async () => {
        reads++;
        const run = await getRun({ projectId, runId });
        return run?.answer ? run : undefined;
      },
    });
    await waitFor(
      "the waiter's first read",
      async () => reads,
      (count) => count === 1,
    );
    await answerElsewhere(runId);
    expect(await answered).toMatchObject({ id: runId, status: "queued", answer: { status: 201, body: { ok: true } } });
    expect(reads).toBe(2);
  });

  it("answers a run that ended before the wait began, and undefined at the deadline for one that goes on", async () => {
    const done = await queuedRun();
    await endElsewhere(done);
    const readStatus = (runId: string) => async () => {
      const run = await getRun({ projectId, runId });
      return run?.status === "succeeded" ? run : undefined;
    };
    expect(await waitForRunEnd({ runId: done, deadline: Date.now() + 5_000, readEnded: readStatus(done) })).toMatchObject({ id: done });

    const going = await queuedRun();
    expect(await waitForRunEnd({ runId: going, deadline: Date.now() + 300, readEnded: readStatus(going) })).toBeUndefined();
  });
});
