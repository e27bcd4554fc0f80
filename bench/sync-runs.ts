// The "sync" section of `npm run bench`: synchronous runs, as a team's backend calls them. A
// one-step Request-triggered workflow (TaskLab Request GET /tasks) started with
// `POST /projects/:p/sdk/workflows/:w/runs?wait=true` (Secret Key, X-Switchboard-User rotating
// over the connected users) at BENCH_CONNECTIONS connections: answers per second and p50/p99 of
// the whole call (start, the step, the answer). The route handler runs in a node:http server of
// its own process (test/support/route-server.ts, which works no queues) and one `npm run worker`
// process works the steps, so every waiter is woken across processes (PostgreSQL NOTIFY).
//
// Imported by bench/run.ts only after DATABASE_URL and SWITCHBOARD_ENCRYPTION_KEY are set and
// `server-only` is mapped to an empty module (it imports the app's code).
import path from "node:path";
import { sql } from "drizzle-orm";
import { getDb, rowsOf } from "@/db/client";
import { createWorkflow, deployWorkflowVersion, saveWorkflowDraft } from "@/db/queries/workflows";
import type { StoredWorkflowDefinition } from "@/db/workflow-definition";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { measure, type RunSummary } from "./load";
import { startProcess, waitForLine } from "@/test/support/processes";
import type { BenchData } from "./setup";

/** The goal for p50 on an idle machine (issue 22). */
export const SYNC_P50_GOAL_MS = 25;

export interface SyncRunBenchOptions {
  root: string;
  databaseUrl: string;
  encryptionKey: string;
  data: BenchData;
  /** Connected users of data.resourceId; calls rotate over them. */
  users: readonly string[];
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  startupTimeoutMs: number;
  onCleanup(name: string, run: () => Promise<void>): void;
  log(message: string): void;
}

export async function runSyncRunBench(
  options: SyncRunBenchOptions,
): Promise<{ run: RunSummary; notWaited: number; database: { runs: number; p50Ms: number; p99Ms: number }; notes: string[] }> {
  const { root, data, users, log } = options;
  const definition: StoredWorkflowDefinition = {
    trigger: { kind: "request" },
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
  const workflow = await createWorkflow({ projectId: data.projectId, name: "Bench sync workflow", actor: SYSTEM_ACTOR });
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
  if (!("version" in deployed)) throw new Error(`could not deploy the sync bench workflow: ${deployed.conflict}`);

  const env = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    SWITCHBOARD_ENCRYPTION_KEY: options.encryptionKey,
    SWITCHBOARD_ALLOW_PRIVATE_NETWORK: "true",
  };
  const tsx = ["--import", "tsx", "--conditions=react-server"];
  const server = startProcess("sync runs server", process.execPath, [...tsx, path.join(root, "test", "support", "route-server.ts")], {
    cwd: root,
    env,
  });
  options.onCleanup("sync runs server", () => server.stop());
  const worker = startProcess("sync runs worker", process.execPath, [...tsx, path.join(root, "scripts", "worker.ts")], { cwd: root, env });
  options.onCleanup("sync runs worker", () => worker.stop());
  // Both at once: waitForLine sees only the lines written after it starts.
  const [ready] = await Promise.all([
    waitForLine(server, /ROUTE_SERVER_READY (\d+)/, options.startupTimeoutMs),
    waitForLine(worker, /working the job queues/, options.startupTimeoutMs),
  ]);
  const port = Number(ready[1]);
  const url = `http://127.0.0.1:${port}/projects/${data.projectId}/sdk/workflows/${workflow.id}/runs?wait=true`;
  const headers = (user: string) => ({
    "content-type": "application/json",
    authorization: `Bearer ${data.secretKey}`,
    "x-switchboard-user": user,
  });

  // A trial call: the route answers a finished run before anything is measured.
  const trial = await fetch(url, { method: "POST", headers: headers(users[0]!), body: "{}", signal: AbortSignal.timeout(30_000) });
  const trialBody = await trial.text();
  if (trial.status !== 200 || !trialBody.includes('"status":"succeeded"')) {
    throw new Error(
      `sync runs: the trial call answered ${trial.status}: ${trialBody.slice(0, 500)}\n${server.output()}\n${worker.output()}`,
    );
  }

  log(`running sync runs (${options.warmupSeconds} s warm-up + ${options.durationSeconds} s, ${options.connections} connections)…`);
  let calls = 0;
  // A 202 is a run that did not finish within the wait: counted apart (it is a 2xx to autocannon).
  let notWaited = 0;
  const run = await measure({
    name: "sync one-step Request run, ?wait=true",
    url,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    method: "POST",
    setupRequest: (request) => ({ ...request, headers: headers(users[calls++ % users.length]!), body: "{}" }),
    onResponse: (status) => {
      if (status === 202) notWaited++;
    },
  });
  // The same runs as the database timed them (created → finished): the engine's share of the latency; the rest is the call's own (start, wake, answer).
  const rows = rowsOf<{ ms: number }>(
    await (
      await getDb()
    ).execute(
      sql`select extract(epoch from finished_at - created_at) * 1000 as ms from workflow_runs where workflow_id = ${workflow.id} and finished_at is not null order by 1`,
    ),
  ).map((row) => Number(row.ms));
  const at = (p: number) =>
    rows.length ? Math.round(rows[Math.min(rows.length - 1, Math.ceil((p / 100) * rows.length) - 1)]! * 10) / 10 : Number.NaN;
  const database = { runs: rows.length, p50Ms: at(50), p99Ms: at(99) };
  const notes = [
    `sync: POST …/sdk/workflows/:w/runs?wait=true with a Secret Key, X-Switchboard-User rotating over ${users.length} connected users; ` +
      "one step (GET /tasks at TaskLab). The route handler in node:http (test/support/route-server.ts), the step in one `npm run worker` process.",
  ];
  return { run, notWaited, database, notes };
}
