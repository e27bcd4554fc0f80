// The "webhooks" section of `npm run bench`: the webhook intake route
// (POST /projects/:p/resources/:r/webhook) at a steady rate — BENCH_WEBHOOK_RATE events/s
// (default 200) for BENCH_DURATION s (default 10) after BENCH_WARMUP s (default 2) — on
// PostgreSQL. Every event is a distinct, Standard-Webhooks-signed task.created for one of the
// connected users, so each one takes the whole path: signature check, templates, user match,
// the event row, a run of the deployed workflow and its first job in one transaction.
//
// The target (BENCH_WEBHOOK_TARGET): "next" — `next start` of the production build, as the api
// section; "node" — the route handler in a bare node:http server of its own process
// (test/support/route-server.ts); "auto" (default) — "next" when a build with the route exists, else
// "node". Either way the server works no queues (the runs' jobs wait): this measures intake.
//
// Open-loop load: request i is due at start + i/rate whatever the earlier ones are doing, and its
// latency runs from when it was due to when its answer ended (so a slow server cannot hide
// behind a slower sender). Imported by bench/run.ts only after DATABASE_URL and
// SWITCHBOARD_ENCRYPTION_KEY are set and `server-only` is mapped to an empty module.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { and, count, eq, like } from "drizzle-orm";
import { getDb } from "@/db/client";
import { createWorkflow, deployWorkflowVersion, saveWorkflowDraft } from "@/db/queries/workflows";
import { webhookEvents, workflowRuns } from "@/db/schema";
import type { StoredWorkflowDefinition } from "@/db/workflow-definition";
import { signWebhook } from "@/test/fixtures/tasklab";
import { setUpWebhooks, taskLabWebhookSettings } from "@/test/support/webhook-fixtures";
import { freePort, type Managed, startProcess, waitForHttpOk, waitForLine } from "@/test/support/processes";
import { postgresCpuSeconds } from "./process-cpu";
import { post, REQUEST_TIMEOUT_MS, type SenderJob, type SenderResult } from "./webhook-sender";
import type { BenchData } from "./setup";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

export interface WebhookBenchRow {
  name: string;
  target: "next" | "node";
  rate: number;
  sent: number;
  /** Answers per second over the measured window. */
  perSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  /** Network errors and timeouts (no answer). */
  errors: number;
  /** Event rows and runs the measured and warm-up events left (they must be one each). */
  eventRows: number;
  runs: number;
  serverCpuMsPerEvent?: number;
  /** CPU of every local `postgres` process (the server's backends, WAL writer, …) per event, when /proc shows them. */
  postgresCpuMsPerEvent?: number;
  /** CPU of this (sending) process per event. */
  senderCpuMsPerEvent: number;
}

export interface WebhookBenchOptions {
  root: string;
  databaseUrl: string;
  encryptionKey: string;
  data: BenchData;
  /** Connected users of data.resourceId; events rotate over them. */
  users: readonly string[];
  durationSeconds: number;
  warmupSeconds: number;
  startupTimeoutMs: number;
  onCleanup(name: string, run: () => Promise<void>): void;
  log(message: string): void;
  cpuSeconds(pid: number | undefined): number | undefined;
}

const RATE = Number(process.env.BENCH_WEBHOOK_RATE) || 200;
export const WEBHOOK_P99_GOAL_MS = 20;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Which server to measure: the production build when it has the route, else the handler in node:http. */
export function webhookTarget(root: string): "next" | "node" {
  const asked = process.env.BENCH_WEBHOOK_TARGET || "auto";
  if (asked !== "auto" && asked !== "next" && asked !== "node") throw new Error(`BENCH_WEBHOOK_TARGET is auto, next or node, not ${asked}`);
  const built =
    existsSync(path.join(root, ".next", "BUILD_ID")) &&
    existsSync(path.join(root, ".next", "server", "app", "projects", "[projectId]", "resources", "[resourceId]", "webhook", "route.js"));
  if (asked === "next" && !built)
    throw new Error("BENCH_WEBHOOK_TARGET=next needs a production build with the webhook route: run `npm run build` first.");
  return asked === "auto" ? (built ? "next" : "node") : asked;
}

export async function runWebhookBench(options: WebhookBenchOptions): Promise<{ rows: WebhookBenchRow[]; notes: string[] }> {
  const { root, databaseUrl, encryptionKey, data, users, log } = options;
  const target = webhookTarget(root);

  // Webhook settings on the bench resource: Standard Webhooks, task.created, the user id in the payload.
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  await setUpWebhooks({
    projectId: data.projectId,
    resourceId: data.resourceId,
    webhook: taskLabWebhookSettings({ eventTypes: ["task.created"] }),
    secret,
  });
  // One deployed workflow on TaskLab Triggers → task.created: every event starts one run.
  const definition: StoredWorkflowDefinition = {
    trigger: { kind: "resource_event", resourceId: data.resourceId, eventType: "task.created" },
    steps: [
      {
        key: "get_task",
        type: "request",
        resourceId: data.resourceId,
        method: "GET",
        path: "/tasks/{{trigger.payload.task.id}}",
        query: [],
        headers: [],
        body: "",
        retries: true,
      },
    ],
  };
  const workflow = await createWorkflow({ projectId: data.projectId, name: "Bench webhook workflow", actor: SYSTEM_ACTOR });
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
  if (!("version" in deployed)) throw new Error(`could not deploy the webhook bench workflow: ${deployed.conflict}`);

  // The server.
  let server: Managed;
  let base: string;
  const env = { ...process.env, DATABASE_URL: databaseUrl, SWITCHBOARD_ENCRYPTION_KEY: encryptionKey, SWITCHBOARD_WORKERS: "0" };
  if (target === "next") {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = startProcess("next start (webhooks)", "npx", ["next", "start", "--port", String(port), "--hostname", "127.0.0.1"], {
      cwd: root,
      env: {
        ...env,
        NODE_ENV: "production",
        NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
        NEXTAUTH_URL: base,
        SWITCHBOARD_ALLOW_PRIVATE_NETWORK: "true",
      },
    });
    options.onCleanup("next start (webhooks)", () => server.stop());
    await waitForHttpOk(server, `${base}/api/health`, options.startupTimeoutMs);
  } else {
    // BENCH_WEBHOOK_PROFILE=<dir>: a V8 CPU profile of the server, written there when it stops.
    const profile = process.env.BENCH_WEBHOOK_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_WEBHOOK_PROFILE}`] : [];
    server = startProcess(
      "webhook server",
      process.execPath,
      [...profile, "--import", "tsx", "--conditions=react-server", path.join(root, "test", "support", "route-server.ts")],
      {
        cwd: root,
        env,
      },
    );
    options.onCleanup("webhook server", () => server.stop());
    const port = Number((await waitForLine(server, /ROUTE_SERVER_READY (\d+)/, options.startupTimeoutMs))[1]);
    base = `http://127.0.0.1:${port}`;
  }
  log(`webhooks: intake at ${base} (${target === "next" ? "next start" : "route handler in node:http"})`);
  const url = new URL(`${base}/projects/${data.projectId}/resources/${data.resourceId}/webhook`);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  options.onCleanup("webhook bench HTTP agent", async () => agent.destroy());

  // Events signed ahead (signing is the sender's cost, not the intake's); ids say which phase.
  const run = randomBytes(4).toString("hex");
  const events = (phase: string, n: number) =>
    Array.from({ length: n }, (_, i) =>
      signWebhook({
        secret,
        type: "task.created",
        id: `bench_${run}_${phase}_${i}`,
        payload: { account_id: users[i % users.length]!, task: { id: `task_${(i % 3) + 1}` } },
      }),
    );

  // A trial event: the route works end to end before anything is measured.
  const [trial] = events("trial", 1);
  const trialAnswer = await post(agent, url, trial!, performance.now());
  if (trialAnswer.status !== 200 || !/"runIds":\["/.test(trialAnswer.body)) {
    throw new Error(`webhooks: the trial event answered ${trialAnswer.status}: ${trialAnswer.body.slice(0, 500)}\n${server.output()}`);
  }

  // The load comes from a process of its own that holds nothing but the events: this one's
  // garbage collections (it holds the bench's database clients and data) delayed sends, and
  // latency counts from when a send was due.
  const warmup = events("warmup", RATE * options.warmupSeconds);
  const measured = events("run", RATE * options.durationSeconds);
  const work = mkdtempSync(path.join(tmpdir(), "switchboard-webhook-sender-"));
  options.onCleanup("webhook sender files", async () => rmSync(work, { recursive: true, force: true }));
  const job: SenderJob = { url: url.toString(), rate: RATE, warmup, measured };
  writeFileSync(path.join(work, "job.json"), JSON.stringify(job));
  log(`webhooks: warm-up, ${RATE}/s for ${options.warmupSeconds} s, then ${RATE} events/s for ${options.durationSeconds} s…`);
  const sender = startProcess(
    "webhook sender",
    process.execPath,
    ["--import", "tsx", path.join(root, "bench", "webhook-sender.ts"), path.join(work, "job.json"), path.join(work, "answers.json")],
    {
      cwd: root,
      env: process.env,
    },
  );
  options.onCleanup("webhook sender", () => sender.stop());
  const timeoutMs = (options.warmupSeconds + options.durationSeconds) * 1000 + options.startupTimeoutMs + REQUEST_TIMEOUT_MS;
  await waitForLine(sender, /SENDER_MEASURING/, timeoutMs);
  const cpuBefore = options.cpuSeconds(server.child.pid);
  const postgresBefore = postgresCpuSeconds();
  await waitForLine(sender, /SENDER_MEASURED/, timeoutMs);
  const cpuAfter = options.cpuSeconds(server.child.pid);
  const postgresAfter = postgresCpuSeconds();
  await sender.exited;
  const { answers, elapsedMs, senderCpuMs } = JSON.parse(readFileSync(path.join(work, "answers.json"), "utf8")) as SenderResult;
  // BENCH_WEBHOOK_DUMP=<file>: every measured answer (when it was due, ms after the start; latency; status), one JSON line each.
  if (process.env.BENCH_WEBHOOK_DUMP) {
    writeFileSync(
      process.env.BENCH_WEBHOOK_DUMP,
      answers.map((answer, i) => JSON.stringify({ dueMs: (i * 1000) / RATE, ms: answer.ms, status: answer.status })).join("\n") + "\n",
    );
  }

  // What the database holds for them: one event row and one run per event.
  const db = await getDb();
  const [rowCount] = await db
    .select({ n: count() })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.resourceId, data.resourceId), like(webhookEvents.eventId, `bench_${run}_run_%`)));
  const [runCount] = await db.select({ n: count() }).from(workflowRuns).where(eq(workflowRuns.workflowId, workflow.id));

  const latencies = answers
    .filter((answer) => answer.status !== 0)
    .map((answer) => answer.ms)
    .sort((a, b) => a - b);
  const non2xx = answers.filter((answer) => answer.status !== 0 && (answer.status < 200 || answer.status > 299));
  const errors = answers.filter((answer) => answer.status === 0);
  const round = (value: number) => Math.round(value * 10) / 10;
  const row: WebhookBenchRow = {
    name: "webhook intake (Standard Webhooks, matched, 1 run)",
    target,
    rate: RATE,
    sent: measured.length,
    perSecond: round((answers.length / elapsedMs) * 1000),
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? Number.NaN),
    non2xx: non2xx.length,
    errors: errors.length,
    eventRows: Number(rowCount?.n ?? 0),
    // The trial's and warm-up's runs are the same workflow's: subtract them.
    runs: Number(runCount?.n ?? 0) - 1 - warmup.length,
    ...(cpuBefore !== undefined && cpuAfter !== undefined
      ? { serverCpuMsPerEvent: round(((cpuAfter - cpuBefore) * 1000) / measured.length) }
      : {}),
    ...(postgresBefore !== undefined && postgresAfter !== undefined
      ? { postgresCpuMsPerEvent: round(((postgresAfter - postgresBefore) * 1000) / measured.length) }
      : {}),
    senderCpuMsPerEvent: round(senderCpuMs / measured.length),
  };
  await server.stop();

  const notes = [
    `webhooks: target ${target === "next" ? "`next start` (production build)" : "the route handler in a node:http server of its own process (test/support/route-server.ts; no production build)"}; ` +
      "its job queue is started but works nothing (SWITCHBOARD_WORKERS=0), so the runs' first jobs wait in pg-boss.",
    `webhooks: ${users.length} connected users in turn; each event a distinct webhook-id, signed ahead with the standardwebhooks package; ` +
      "one deployed workflow on task.created, so each event writes its row, one run and one pg-boss job in one transaction.",
    `webhooks: open loop, ${RATE}/s from a sender process of its own (bench/webhook-sender.ts): latency from when a request was due to the end of its answer; keep-alive connections (up to 256).`,
    `webhooks: the sender, the bench process, the server, TaskLab and PostgreSQL share this machine (${cpus().length} CPUs); ` +
      "CPU ms/event: server = its process tree, PostgreSQL = every local postgres process (other databases' work included), sender = the sender process.",
    ...(non2xx.length
      ? [
          `webhooks: non-2xx e.g. ${non2xx
            .slice(0, 3)
            .map((answer) => `${answer.status} ${answer.body.slice(0, 200)}`)
            .join(" | ")}`,
        ]
      : []),
    ...(errors.length
      ? [
          `webhooks: errors e.g. ${errors
            .slice(0, 3)
            .map((answer) => answer.body)
            .join(" | ")}`,
        ]
      : []),
  ];
  return { rows: [row], notes };
}
