// The "workflows" section of `npm run bench`: how fast the engine runs a one-step workflow
// (App Event → TaskLab Request GET /tasks) with 1 and with 2 `npm run worker` processes, beside
// pg-boss alone (bench/noop-worker.ts: the step queue's options, a handler that does nothing) in
// the same run, as the floor.
//
// For each, a backlog (N sent while no worker runs, then the workers started: runs or jobs per
// second from the first one started to the last one done, so neither the sending nor a worker's
// start-up is in it, for the engine as for the floor) and a paced phase (a steady rate below
// capacity with the workers running: trigger-to-finish latency when nothing queues up). Times are
// the database's own clock: a run's created_at (written by the App Event's transaction), started_at
// and finished_at; a job's created_on, started_on and completed_on.
//
// Imported by bench/run.ts only after DATABASE_URL and SWITCHBOARD_ENCRYPTION_KEY are set and
// `server-only` is mapped to an empty module (it imports the app's code).
import path from "node:path";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { createWorkflow, deployWorkflowVersion, saveWorkflowDraft } from "@/db/queries/workflows";
import type { StoredWorkflowDefinition } from "@/db/workflow-definition";
import { getJobQueue, stopJobQueue } from "@/lib/jobs/queue";
import { STEP_BATCH_SIZE, STEP_QUEUE_OPTIONS, stepGroup } from "@/lib/workflows/step-queue";
import { sendAppEvent } from "@/lib/workflows/triggers";
import { type Managed, startProcess, waitForLine } from "@/test/support/processes";
import { postgresCpuSeconds } from "./process-cpu";
import type { BenchData } from "./setup";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

export interface WorkflowBenchRow {
  name: string;
  workers: number;
  /** Backlog: how many were waiting when the workers started, and how many per second were done (first started → last done). */
  backlog: number;
  perSecond: number;
  /** Paced: the steady rate sent, and trigger-to-finish latency at it. */
  pacedRate: number;
  paced: number;
  pacedP50Ms: number;
  pacedP99Ms: number;
  /** Runs that did not succeed (jobs that did not complete). */
  failed: number;
  /** User+system CPU of the worker processes, and of every local postgres process, per run or job of the backlog. */
  workerCpuMs?: number;
  postgresCpuMs?: number;
}

export interface WorkflowBenchOptions {
  root: string;
  databaseUrl: string;
  data: BenchData;
  /** Connected users of data.resourceId; runs rotate over them (per-user concurrency is 5). */
  users: readonly string[];
  startupTimeoutMs: number;
  onCleanup(name: string, run: () => Promise<void>): void;
  log(message: string): void;
  cpuSeconds(pid: number | undefined): number | undefined;
}

// One backlog size for runs and no-op jobs: several seconds of work for the engine, and for the
// floor (3,000 jobs a second with 2 processes on the 2-core dev machine, 2026-12-02) a window well
// above its 0.5 s poll (BENCH_WORKFLOW_BACKLOG changes it).
const BACKLOG = Number(process.env.BENCH_WORKFLOW_BACKLOG) || 6000;
const PACED_SECONDS = 3;
const DRAIN_TIMEOUT_MS = 30_000;
const NOOP_QUEUE = "bench-noop";
const EVENT = "bench.workflow";

type Rows<T> = T[] | { rows: T[] };

async function query<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await (await getDb()).execute(statement)) as unknown as Rows<T>;
  return Array.isArray(result) ? result : result.rows;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface PhaseResult {
  done: number;
  failed: number;
  spanMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** Polls `read` until `count` items are done (or the timeout), then summarises them. */
async function drain(
  what: string,
  count: number,
  read: () => Promise<{ ms: number | null; ok: boolean; spanMs: number }[]>,
): Promise<PhaseResult> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let rows = await read();
  while (rows.filter((row) => row.ms !== null).length < count && Date.now() < deadline) {
    // Seldom: each read scans the runs of the phase, and its CPU is PostgreSQL's, shared with what is measured.
    await new Promise((resolve) => setTimeout(resolve, 500));
    rows = await read();
  }
  const finished = rows.filter((row) => row.ms !== null);
  if (finished.length < count) throw new Error(`${what}: only ${finished.length} of ${count} done within ${DRAIN_TIMEOUT_MS / 1000} s`);
  const latencies = finished.map((row) => row.ms!).sort((a, b) => a - b);
  return {
    done: finished.length,
    failed: finished.filter((row) => !row.ok).length,
    spanMs: Math.max(...finished.map((row) => row.spanMs)),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** Sends `send(i)` for i < count at `rate` per second (not waiting for one before the next). */
async function paced(count: number, rate: number, send: (i: number) => Promise<unknown>): Promise<void> {
  const started = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sends.push(send(i));
  }
  await Promise.all(sends);
}

/** Sends `send(i)` for i < count, `concurrency` at a time. */
async function sendAll(count: number, concurrency: number, send: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await send(next++);
    }),
  );
}

export async function runWorkflowBench(options: WorkflowBenchOptions): Promise<{ rows: WorkflowBenchRow[]; notes: string[] }> {
  const { root, databaseUrl, data, users, log } = options;
  const env = { ...process.env, DATABASE_URL: databaseUrl };
  const processes: Managed[] = [];
  options.onCleanup("workflow bench worker processes", async () => {
    await Promise.all(processes.map((managed) => managed.stop()));
  });
  options.onCleanup("this process's job queue", () => stopJobQueue({ graceful: false }));
  const cpu = () => processes.reduce((sum, managed) => sum + (options.cpuSeconds(managed.child.pid) ?? 0), 0);

  // BENCH_WORKFLOW_WORKER: another worker script to measure instead (a candidate configuration); it must print the same ready line.
  const workerScript = path.resolve(root, process.env.BENCH_WORKFLOW_WORKER || "scripts/worker.ts");
  // BENCH_WORKFLOW_PROFILE=<dir>: a V8 CPU profile of each workflow worker process, written there when it stops.
  const profile = process.env.BENCH_WORKFLOW_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_WORKFLOW_PROFILE}`] : [];
  type Kind = "noop" | "workflow";
  const startWorker = async (kind: Kind) => {
    const managed =
      kind !== "workflow"
        ? startProcess(
            `noop worker ${processes.length + 1}`,
            process.execPath,
            ["--import", "tsx", path.join(root, "bench", "noop-worker.ts"), NOOP_QUEUE],
            { cwd: root, env },
          )
        : startProcess(
            `npm run worker ${processes.length + 1}`,
            process.execPath,
            [...profile, "--import", "tsx", "--conditions=react-server", workerScript],
            { cwd: root, env },
          );
    processes.push(managed);
    await waitForLine(managed, kind === "workflow" ? /working the job queues/ : /NOOP_WORKER_READY/, options.startupTimeoutMs);
  };
  const stopWorkers = async () => {
    await Promise.all(processes.splice(0).map((managed) => managed.stop()));
  };

  // This process only sends (its job queue has no workers): the worker processes do the work.
  const boss = await getJobQueue();
  // The floor's queue exists before its first backlog, with the step queue's options (the no-op worker asks for the same).
  await boss.createQueue(NOOP_QUEUE, STEP_QUEUE_OPTIONS);
  const definition: StoredWorkflowDefinition = {
    trigger: { kind: "app_event", eventName: EVENT },
    steps: [
      {
        key: "list_tasks",
        type: "request",
        resourceId: data.resourceId,
        method: "GET",
        path: "/tasks",
        query: [],
        headers: [],
        body: "",
        retries: true,
      },
    ],
  };
  const workflow = await createWorkflow({ projectId: data.projectId, name: "Bench workflow", actor: SYSTEM_ACTOR });
  await saveWorkflowDraft({
    projectId: data.projectId,
    workflowId: workflow.id,
    name: workflow.name,
    draft: definition,
    sampleTrigger: {},
    actor: SYSTEM_ACTOR,
    changes: [],
  });
  const deployed = await deployWorkflowVersion({ projectId: data.projectId, workflowId: workflow.id, definition, actor: SYSTEM_ACTOR });
  if (!("version" in deployed)) throw new Error(`could not deploy the bench workflow: ${deployed.conflict}`);

  const sendRun = (phase: string) => (i: number) =>
    sendAppEvent({
      projectId: data.projectId,
      caller: { kind: "backend", userId: users[i % users.length]! },
      name: EVENT,
      payload: { phase },
    });
  const readRuns = (phase: string) => () =>
    query<{ ms: number | null; ok: boolean; spanMs: number }>(sql`
      select extract(epoch from (finished_at - created_at)) * 1000 as "ms", status = 'succeeded' as "ok",
             extract(epoch from (max(finished_at) over () - min(started_at) over ())) * 1000 as "spanMs"
      from workflow_runs where workflow_id = ${workflow.id} and trigger -> 'input' -> 'payload' ->> 'phase' = ${phase}
        and status not in ('queued', 'running')`).then((rows) =>
      rows.map((row) => ({ ms: Number(row.ms), ok: row.ok, spanMs: Number(row.spanMs) })),
    );
  const sendJob = (queue: string, phase: string) => (i: number) =>
    boss.send(queue, { phase, i }, { group: stepGroup({ projectId: data.projectId, userId: users[i % users.length]! }) });
  const readJobs = (queue: string, phase: string) => () =>
    query<{ ms: number | null; ok: boolean; spanMs: number }>(sql`
      select extract(epoch from (completed_on - created_on)) * 1000 as "ms", state = 'completed' as "ok",
             extract(epoch from (max(completed_on) over () - min(started_on) over ())) * 1000 as "spanMs"
      from pgboss.job where name = ${queue} and data ->> 'phase' = ${phase} and state in ('completed', 'failed', 'cancelled')`).then(
      (rows) => rows.map((row) => ({ ms: Number(row.ms), ok: row.ok, spanMs: Number(row.spanMs) })),
    );

  const rows: WorkflowBenchRow[] = [];
  const measureKind = async (kind: Kind, workerCounts: number[]) => {
    const queue = NOOP_QUEUE;
    const name = kind === "workflow" ? "workflow run (App Event → TaskLab Request)" : "pg-boss no-op job, step queue's options (floor)";
    const send = (phase: string) => (kind === "workflow" ? sendRun(phase) : sendJob(queue, phase));
    const read = (phase: string) => (kind === "workflow" ? readRuns(phase) : readJobs(queue, phase));
    let rate = 0;
    for (const workers of workerCounts) {
      const label = `${name}, ${workers} worker process${workers > 1 ? "es" : ""}`;
      // The backlog builds while no worker runs, in tables vacuumed first: the jobs and runs done
      // before leave dead rows (PostgreSQL's autovacuum may be off, as on the benchmark's machine,
      // or not have come by yet) that every later fetch walks past at the head of the queue.
      await stopWorkers();
      await query(sql`vacuum (analyze) pgboss.job, workflow_runs, workflow_run_steps`);
      log(`workflows: ${label}: backlog of ${BACKLOG}…`);
      const backlogPhase = `backlog-${workers}`;
      if (kind === "workflow") {
        await sendAll(BACKLOG, 16, sendRun(backlogPhase));
      } else {
        // One insert: sending is not what is measured.
        await boss.insert(
          queue,
          Array.from({ length: BACKLOG }, (_, i) => ({
            data: { phase: backlogPhase, i },
            group: stepGroup({ projectId: data.projectId, userId: users[i % users.length]! }),
          })),
        );
      }
      await Promise.all(Array.from({ length: workers }, () => startWorker(kind)));
      const cpuBefore = { worker: cpu(), postgres: postgresCpuSeconds() };
      const backlogResult = await drain(`${label} backlog`, BACKLOG, read(backlogPhase));
      const cpuAfter = { worker: cpu(), postgres: postgresCpuSeconds() };
      const perItemMs = (before: number | undefined, after: number | undefined) =>
        before === undefined || after === undefined ? undefined : Math.round(((after - before) * 1000 * 100) / BACKLOG) / 100;
      const perSecond = (backlogResult.done / backlogResult.spanMs) * 1000;
      // The paced rate: half of what one worker process managed on the backlog, the same for every count.
      if (!rate) rate = Math.max(2, Math.min(100, Math.round(perSecond / 2)));
      const pacedCount = rate * PACED_SECONDS;
      log(`workflows: ${label}: ${rate}/s for ${PACED_SECONDS} s…`);
      const pacedPhase = `paced-${workers}`;
      await paced(pacedCount, rate, send(pacedPhase));
      const pacedResult = await drain(`${label} paced`, pacedCount, read(pacedPhase));
      rows.push({
        name,
        workers,
        backlog: BACKLOG,
        perSecond,
        pacedRate: rate,
        paced: pacedCount,
        pacedP50Ms: pacedResult.p50Ms,
        pacedP99Ms: pacedResult.p99Ms,
        failed: backlogResult.failed + pacedResult.failed,
        workerCpuMs: perItemMs(cpuBefore.worker, cpuAfter.worker),
        postgresCpuMs: perItemMs(cpuBefore.postgres, cpuAfter.postgres),
      });
    }
    await stopWorkers();
  };

  await measureKind("noop", [1, 2]);
  await measureKind("workflow", [1, 2]);

  const notes = [
    `workflows: ${users.length} connected users in turn (at most 5 steps at once per user); each worker process runs 1 fetch loop ` +
      `(localConcurrency 1) of batches of ${STEP_BATCH_SIZE} (batchSize), fetching again at once while batches come back full (burstWhenBatchFull), ` +
      "else after the 0.5 s poll; the floor's no-op workers use the same options.",
    `workflows: a run is one step job: fetch (a batch of ${STEP_BATCH_SIZE}), start the attempt (1 statement for the batch's starts: the run and step marked ` +
      "running, the run, its definition, the project's revision and the user's connection read), TaskLab GET /tasks, the step's result and " +
      "the run's end (1 statement for the ends of one event-loop turn), complete (the batch).",
    `workflows: backlog = ${BACKLOG} sent while no worker runs (runs through sendAppEvent, 16 at a time; no-op jobs in one insert), then the workers started; ` +
      "per second = N / (first started → last done); paced = a steady rate of half what one process managed on the backlog, workers running; " +
      "latency = created → finished on the database clock; CPU ms per run or job of the backlog: worker = the worker processes, " +
      "PostgreSQL = every local postgres process (its polling for the idle bench process included).",
    "workflows: this bench process sends only; the worker processes, TaskLab and PostgreSQL share the machine.",
  ];
  return { rows, notes };
}
