// The "fanout" section of `npm run bench`: a Fan Out's throughput in items per second beside
// one-step runs per second of the same step (TaskLab GET /tasks through one Connected User's
// connection), with one `npm run worker` process. The goal: items/s ≥ 80% of runs/s.
//
// Runs: a backlog of N one-step runs for 20 Connected Users in turn (one user's steps run at most
// SWITCHBOARD_USER_CONCURRENCY at once: 20 users let the engine go at its pace), sent while no
// worker runs, then the worker started; runs/s = N / (first run started → last run finished).
// Fan Out: one run, for one of those users, whose Fan Out has N items (Concurrency 50, its own
// concurrency group) each running the same Request step; items/s = N / (first item started →
// last item finished). Times are the database's clock.
//
// Imported by bench/run.ts only after DATABASE_URL and SWITCHBOARD_ENCRYPTION_KEY are set and
// `server-only` is mapped to an empty module (it imports the app's code).
import path from "node:path";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { createWorkflow, deployWorkflowVersion, saveWorkflowDraft } from "@/db/queries/workflows";
import type { StoredStep, StoredWorkflowDefinition } from "@/db/workflow-definition";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { stopJobQueue } from "@/lib/jobs/queue";
import { sendAppEvent } from "@/lib/workflows/triggers";
import { type Managed, startProcess, waitForLine } from "@/test/support/processes";
import type { BenchData } from "./setup";

export const FAN_OUT_GOAL_RATIO = 0.8;

export interface FanOutBenchRow {
  name: string;
  count: number;
  perSecond: number;
  failed: number;
}

export interface FanOutBenchOptions {
  root: string;
  databaseUrl: string;
  data: BenchData;
  /** Connected Users of data.resourceId: the runs rotate over them, the Fan Out runs for the first. */
  users: readonly string[];
  items: number;
  startupTimeoutMs: number;
  onCleanup(name: string, run: () => Promise<void>): void;
  log(message: string): void;
}

async function query<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  const db = await getDb();
  return (await db.execute(statement)) as unknown as T[];
}

async function deploy(data: BenchData, name: string, definition: StoredWorkflowDefinition): Promise<string> {
  const workflow = await createWorkflow({ projectId: data.projectId, name, actor: SYSTEM_ACTOR });
  await saveWorkflowDraft({
    projectId: data.projectId,
    workflowId: workflow.id,
    name,
    draft: definition,
    sampleTrigger: {},
    actor: SYSTEM_ACTOR,
    changes: [],
  });
  const deployed = await deployWorkflowVersion({ projectId: data.projectId, workflowId: workflow.id, definition, actor: SYSTEM_ACTOR });
  if (!("version" in deployed)) throw new Error(`could not deploy ${name}: ${deployed.conflict}`);
  return workflow.id;
}

/** Polls until `read` says all `count` are done; answers its last reading. */
async function until<T extends { done: number }>(
  what: string,
  count: number,
  read: () => Promise<T>,
  log: (message: string) => void,
): Promise<T> {
  const deadline = Date.now() + 10 * 60 * 1000;
  for (;;) {
    const result = await read();
    if (result.done >= count) return result;
    if (Date.now() > deadline) throw new Error(`${what}: ${result.done} of ${count} done after 10 minutes`);
    log(`${what}: ${result.done} of ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

export async function runFanOutBench(options: FanOutBenchOptions): Promise<FanOutBenchRow[]> {
  const { root, databaseUrl, data, users, items, log } = options;
  const processes: Managed[] = [];
  options.onCleanup("fan-out bench worker process", async () => {
    await Promise.all(processes.map((managed) => managed.stop()));
  });
  options.onCleanup("this process's job queue", () => stopJobQueue({ graceful: false }));
  const startWorker = async () => {
    const managed = startProcess(
      "npm run worker (fanout)",
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", path.resolve(root, "scripts/worker.ts")],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: databaseUrl },
      },
    );
    processes.push(managed);
    await waitForLine(managed, /working the job queues/, options.startupTimeoutMs);
  };
  const stopWorkers = () => Promise.all(processes.splice(0).map((managed) => managed.stop()));

  const request = (key: string): StoredStep => ({
    key,
    type: "request",
    resourceId: data.resourceId,
    method: "GET",
    path: "/tasks",
    query: [],
    headers: [],
    body: "",
    retries: true,
  });
  const runsWorkflowId = await deploy(data, "Bench one-step runs", {
    trigger: { kind: "app_event", eventName: "bench.one_step" },
    steps: [request("list_tasks")],
  });
  const fanOutWorkflowId = await deploy(data, "Bench Fan Out", {
    trigger: { kind: "app_event", eventName: "bench.fan_out" },
    steps: [
      {
        key: "each",
        type: "fan_out",
        items: "{{trigger.payload.items}}",
        concurrency: 50,
        onItemFailure: "continue",
        body: [request("list_tasks")],
      },
    ],
  });

  // One-step runs: a backlog sent while no worker runs.
  await stopWorkers();
  log(`fanout: ${items} one-step runs…`);
  for (let sent = 0; sent < items; sent += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, items - sent) }, (_, i) =>
        sendAppEvent({
          projectId: data.projectId,
          caller: { kind: "backend", userId: users[(sent + i) % users.length]! },
          name: "bench.one_step",
          payload: {},
        }),
      ),
    );
  }
  await startWorker();
  const runs = await until(
    "fanout: one-step runs",
    items,
    async () => {
      const [row] = await query<{ done: number; failed: number; span_ms: number }>(sql`
        select count(*) filter (where status not in ('queued', 'running'))::int as done, count(*) filter (where status = 'failed')::int as failed,
          extract(epoch from (max(finished_at) - min(started_at))) * 1000 as span_ms
        from workflow_runs where workflow_id = ${runsWorkflowId}`);
      return { done: row!.done, failed: row!.failed, spanMs: Number(row!.span_ms) };
    },
    log,
  );

  // The Fan Out: one run, its items the same step.
  log(`fanout: a Fan Out over ${items} items…`);
  await sendAppEvent({
    projectId: data.projectId,
    caller: { kind: "backend", userId: users[0]! },
    name: "bench.fan_out",
    payload: { items: Array.from({ length: items }, (_, i) => i) },
  });
  const fanOut = await until(
    "fanout: Fan Out items",
    items,
    async () => {
      const [row] = await query<{ done: number; failed: number; span_ms: number }>(sql`
        select count(*) filter (where i.status in ('succeeded', 'failed', 'stopped'))::int as done, count(*) filter (where i.status = 'failed')::int as failed,
          extract(epoch from (max(i.finished_at) - min(i.started_at))) * 1000 as span_ms
        from workflow_run_items i join workflow_runs r on r.id = i.run_id where r.workflow_id = ${fanOutWorkflowId}`);
      return { done: row!.done, failed: row!.failed, spanMs: Number(row!.span_ms) };
    },
    log,
  );
  await stopWorkers();
  return [
    {
      name: "one-step runs (App Event → TaskLab Request), runs/s",
      count: items,
      perSecond: (runs.done / runs.spanMs) * 1000,
      failed: runs.failed,
    },
    {
      name: "Fan Out items (each a TaskLab Request), items/s",
      count: items,
      perSecond: (fanOut.done / fanOut.spanMs) * 1000,
      failed: fanOut.failed,
    },
  ];
}
