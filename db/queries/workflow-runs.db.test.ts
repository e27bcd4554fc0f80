import { eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, rowsOf } from "@/db/client";
import { workflowRuns, workflowRunSteps } from "@/db/schema";
import { projectWithSigningKey } from "@/test/support/connect-fixtures";
import { deployedWorkflow } from "@/test/support/workflow-fixtures";
import { cancelRun, createRuns, finishStep, preparedRunEnds, preparedStepAttempts, startStepAttempt } from "./workflow-runs";

// The engine's hottest writes, grouped: the step starts and run ends made in one turn of the
// event loop go to the database together (db/group-statements.ts). Each caller still gets its
// own run's answer, and a run named twice in one turn is written twice, as if alone.

let projectId: string;
let workflowId: string;

beforeAll(async () => {
  ({ projectId } = await projectWithSigningKey());
  workflowId = await deployedWorkflow(projectId, {
    trigger: { kind: "app_event", eventName: "grouped" },
    steps: [{ key: "wait", type: "delay", seconds: 1 }],
  });
});

/** Runs with no job queued: nothing but these tests touches them. */
async function queuedRuns(count: number): Promise<string[]> {
  const runs = Array.from({ length: count }, (_, index) => ({
    projectId,
    workflowId,
    version: 1,
    userId: `user-${index}`,
    trigger: { kind: "app_event" as const, input: { index } },
  }));
  return (await createRuns({ runs, enqueue: async () => {} })).map((run) => run.id);
}

describe("grouped step starts and run ends", () => {
  it("starts the attempts of one turn each on its own run, and a run named twice gets two attempts", async () => {
    const runIds = await queuedRuns(3);
    const cancelled = (await queuedRuns(1))[0]!;
    await cancelRun({ projectId, runId: cancelled });
    const [first, second, third, again, over, missingStep] = await Promise.all([
      startStepAttempt({ runId: runIds[0]!, position: 0, attemptStartedAt: "2026-12-01T00:00:00.000Z" }),
      startStepAttempt({ runId: runIds[1]!, position: 0, attemptStartedAt: "2026-12-01T00:00:01.000Z" }),
      startStepAttempt({ runId: runIds[2]!, position: 0, attemptStartedAt: "2026-12-01T00:00:02.000Z" }),
      startStepAttempt({ runId: runIds[0]!, position: 0, attemptStartedAt: "2026-12-01T00:00:03.000Z" }),
      startStepAttempt({ runId: cancelled, position: 0, attemptStartedAt: "2026-12-01T00:00:04.000Z" }),
      startStepAttempt({ runId: runIds[1]!, position: 1, attemptStartedAt: "2026-12-01T00:00:05.000Z" }),
    ]);
    expect([first, second, third].map((started) => [started?.run.id, started?.run.userId, started?.run.trigger.input])).toEqual([
      [runIds[0], "user-0", { index: 0 }],
      [runIds[1], "user-1", { index: 1 }],
      [runIds[2], "user-2", { index: 2 }],
    ]);
    expect(second?.attempts).toEqual([{ startedAt: "2026-12-01T00:00:01.000Z", durationMs: 0 }]);
    // The same run's second start went in a statement after the first: it sees both attempts.
    expect(first?.attempts).toEqual([{ startedAt: "2026-12-01T00:00:00.000Z", durationMs: 0 }]);
    expect(again?.attempts.map((attempt) => attempt.startedAt)).toEqual(["2026-12-01T00:00:00.000Z", "2026-12-01T00:00:03.000Z"]);
    expect(over).toBeUndefined();
    expect(missingStep).toBeUndefined();

    const db = await getDb();
    const steps = await db
      .select()
      .from(workflowRunSteps)
      .where(inArray(workflowRunSteps.runId, [...runIds, cancelled]));
    expect(steps.map((step) => [step.runId, step.position, step.status, step.attempts.length]).sort()).toEqual(
      [
        [runIds[0], 0, "running", 2],
        [runIds[1], 0, "running", 1],
        [runIds[2], 0, "running", 1],
      ].sort(),
    );
    const runs = await db
      .select()
      .from(workflowRuns)
      .where(inArray(workflowRuns.id, [...runIds, cancelled]));
    expect(Object.fromEntries(runs.map((run) => [run.id, run.status]))).toEqual({
      [runIds[0]!]: "running",
      [runIds[1]!]: "running",
      [runIds[2]!]: "running",
      [cancelled]: "cancelled",
    });
  });

  it("ends the runs of one turn each with its own step fields, and says which it ended", async () => {
    const runIds = await queuedRuns(3);
    await Promise.all(runIds.map((runId) => startStepAttempt({ runId, position: 0, attemptStartedAt: "2026-12-01T00:00:00.000Z" })));
    await cancelRun({ projectId, runId: runIds[2]! });
    const ends = await Promise.all([
      finishStep({
        runId: runIds[0]!,
        position: 0,
        step: {
          status: "succeeded",
          attempts: [{ startedAt: "2026-12-01T00:00:00.000Z", durationMs: 5 }],
          output: { waitedSeconds: 1 },
          finished: true,
        },
        run: { status: "succeeded" },
      }),
      finishStep({
        runId: runIds[1]!,
        position: 0,
        step: {
          status: "failed",
          attempts: [{ startedAt: "2026-12-01T00:00:00.000Z", durationMs: 7, error: "The API answered 404." }],
          error: "The API answered 404.",
          finished: true,
        },
        run: { status: "failed", error: "Step wait: The API answered 404." },
      }),
      finishStep({
        runId: runIds[2]!,
        position: 0,
        step: { status: "succeeded", attempts: [], finished: true },
        run: { status: "succeeded" },
      }),
      // A second end of the first run in the same turn (a job run twice at once): it had ended.
      finishStep({ runId: runIds[0]!, position: 0, step: { status: "failed", attempts: [], finished: true }, run: { status: "failed" } }),
    ]);
    expect(ends).toEqual([true, true, false, false]);

    const db = await getDb();
    const runs = await db.select().from(workflowRuns).where(inArray(workflowRuns.id, runIds));
    expect(Object.fromEntries(runs.map((run) => [run.id, [run.status, run.error, run.finishedAt !== null]]))).toEqual({
      [runIds[0]!]: ["succeeded", null, true],
      [runIds[1]!]: ["failed", "Step wait: The API answered 404.", true],
      [runIds[2]!]: ["cancelled", null, true],
    });
    const [failedStep] = await db.select().from(workflowRunSteps).where(eq(workflowRunSteps.runId, runIds[1]!));
    expect(failedStep).toMatchObject({
      status: "failed",
      error: "The API answered 404.",
      output: null,
      attempts: [{ durationMs: 7, error: "The API answered 404." }],
    });
    expect(failedStep?.finishedAt).not.toBeNull();
  });

  it("a write that fails fails its own call only: the others of its turn are written", async () => {
    const [good, bad] = await queuedRuns(2);
    await Promise.all(
      [good, bad].map((runId) => startStepAttempt({ runId: runId!, position: 0, attemptStartedAt: "2026-12-01T00:00:00.000Z" })),
    );
    const ends = await Promise.allSettled([
      finishStep({
        runId: good!,
        position: 0,
        step: { status: "succeeded", attempts: [], output: { ok: true }, finished: true },
        run: { status: "succeeded" },
      }),
      // jsonb refuses NUL: this one's statement fails (lib/workflows keeps answers storable before they get here).
      finishStep({
        runId: bad!,
        position: 0,
        step: { status: "succeeded", attempts: [], output: { text: "a\u0000b" }, finished: true },
        run: { status: "succeeded" },
      }),
    ]);
    expect(ends.map((end) => end.status)).toEqual(["fulfilled", "rejected"]);
    expect(ends[0]).toMatchObject({ value: true });

    const db = await getDb();
    const runs = await db
      .select()
      .from(workflowRuns)
      .where(inArray(workflowRuns.id, [good!, bad!]));
    expect(Object.fromEntries(runs.map((run) => [run.id, run.status]))).toEqual({ [good!]: "succeeded", [bad!]: "running" });
  });
});

/** The plan nodes of an EXPLAIN (FORMAT JSON), every level. */
function planNodes(plan: Record<string, unknown>): Record<string, unknown>[] {
  return [plan, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(planNodes)];
}

describe("the grouped writes' plans", () => {
  // A backlog: 2,000 queued runs with their steps started, never analyzed (as after a burst of App
  // Events). Joined to the json recordset alone, PostgreSQL hashed every queued run against the
  // few it was given (1 ms a statement at this size on the benchmark's 2-core machine, 2026-12-02).
  // The steps' table is a scan at this size on PostgreSQL 15 (its rows are narrow: 25 pages) and
  // the index later.
  it("find each run by its key, not by scanning the queued runs", async () => {
    const db = await getDb();
    await db.execute(sql`
      insert into workflow_runs (project_id, workflow_id, version, trigger, user_id)
      select ${projectId}, ${workflowId}, 1, jsonb_build_object('kind', 'app_event', 'input', jsonb_build_object('index', i)), 'user-' || i
      from generate_series(1, 2000) i`);
    await db.execute(sql`
      insert into workflow_run_steps (run_id, position, step_key, status, started_at)
      select id, 0, 'wait', 'running', now() from workflow_runs where status = 'queued'`);
    const given = await queuedRuns(3);
    const starts = given.map((runId) => ({ runId, position: 0, attemptStartedAt: "2026-12-01T00:00:01.000Z" }));
    const ends = given.map((runId) => ({
      runId,
      position: 0,
      stepStatus: "succeeded",
      output: {},
      attempts: [],
      stepError: null,
      runStatus: "succeeded",
      runError: null,
    }));
    for (const [query, input] of [
      [preparedStepAttempts(db).getQuery(), starts],
      [preparedRunEnds(db).getQuery(), ends],
    ] as const) {
      // The statement as prepared, its parameters written in (the json one is a placeholder).
      const text = query.sql.replace(/\$(\d+)/g, (_, n: string) => {
        const value = query.params[Number(n) - 1];
        return `'${(typeof value === "string" ? value : JSON.stringify(input)).replaceAll("'", "''")}'`;
      });
      const [row] = rowsOf<{ "QUERY PLAN": unknown }>(await db.execute(sql.raw(`explain (format json) ${text}`)));
      const explained = typeof row!["QUERY PLAN"] === "string" ? JSON.parse(row!["QUERY PLAN"]) : row!["QUERY PLAN"];
      const scanned = planNodes(explained[0].Plan)
        .filter((node) => node["Node Type"] === "Seq Scan")
        .map((node) => node["Relation Name"]);
      expect(scanned, query.sql.slice(0, 40)).not.toContain("workflow_runs");
    }
  });
});
