// `npm run bench`: Switchboard's Connect API under load, beside a floor for each route (bench/api.ts).
//
//   (a) POST /projects/:p/sdk/resources/:r/connect, rotating the User Tokens of many users,
//       beside bench/bare-connect-server.ts (jose RS256 verify + encrypted postgres.js upsert);
//   (b) POST /projects/:p/sdk/resources/:r/request with a Secret Key and X-Switchboard-User,
//       beside GET /api/tasks straight at TaskLab, once per connected-users count
//       (BENCH_REQUEST_USERS, default 200 and 20,000);
//   (b) MCP: tools/call of the list_tasks operation tool through POST /projects/:p/mcp beside it;
//   the ceiling: GET /api/health of the same build (a route handler doing one query); every
//       Switchboard row is printed as a ratio to it and to its floor, with the goals met or not;
//   workflows: runs/s working a backlog, and trigger-to-finish latency, of a one-step workflow
//       (App Event → TaskLab Request) with 1 and 2 `npm run worker` processes, beside pg-boss's
//       own no-op jobs (bench/workflows.ts);
//   webhooks: POST /projects/:p/resources/:r/webhook at 200 signed events/s, p50/p99 latency and
//       errors, against `next start` when a build has the route, else the route handler in a
//       node:http server (bench/webhooks.ts; goal p99 < 20 ms);
//   sync: one-step Request-triggered runs with ?wait=true at BENCH_CONNECTIONS connections,
//       runs/s and p50/p99 (bench/sync-runs.ts; goal p50 ≤ 25 ms on an idle machine);
//   fanout: a Fan Out over BENCH_FAN_OUT_ITEMS items (default 1,000) each with one TaskLab Request,
//       in items/s, beside one-step runs/s of the same Request step, one worker process
//       (bench/fan-out.ts; goal items/s ≥ 80% of runs/s);
//   function: the worker CPU one Function step call adds, p50/p99 over BENCH_FUNCTION_CALLS calls
//       (default 500) of a function mapping 100 objects, in this process (bench/function-step.ts;
//       goal ≤ 1 ms p50). It alone needs no database or build.
//
// Needs PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres) and, for
// (a) and (b), a production build (`npm run build`). BENCH_SECTIONS picks what runs: a
// comma-separated list of "api" ((a) and (b)), "workflows", "webhooks", "sync", "fanout" and "function" (default all six).
// Makes a database of its own and drops it at the end, also on failure. Prints tables and
// writes /tmp/switchboard-bench.json.
// BENCH_DURATION, BENCH_WARMUP (seconds) and BENCH_CONNECTIONS change the API load (default 10, 2, 10);
// BENCH_MCP_PAIRS how many request-then-MCP pairs (b)'s MCP ratio is the median of (default 3).
// BENCH_API_PROFILE=<dir> writes a V8 CPU profile of the api section's `next start` there (webhooks: BENCH_WEBHOOK_PROFILE with BENCH_WEBHOOK_TARGET=node).
// BENCH_WORKFLOW_BACKLOG (default 2000) is how many runs and no-op jobs each workflows backlog holds.
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { treeCpuSeconds } from "./process-cpu";
import { startRemoteTaskLab } from "./tasklab-remote";

const ROOT = path.resolve(import.meta.dirname, "..");
const RESULTS_PATH = "/tmp/switchboard-bench.json";

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    // Nothing has started yet: nothing to clean up.
    console.error(`bench: FAILED: ${name} must be an integer from ${min} to ${max}, not ${raw}`);
    process.exit(1);
  }
  return value;
}

const CONNECTIONS = envNumber("BENCH_CONNECTIONS", 10, 1, 200);
const DURATION_SECONDS = envNumber("BENCH_DURATION", 10, 1, 120);
const WARMUP_SECONDS = envNumber("BENCH_WARMUP", 2, 1, 60);
const ADMIN_URL = process.env.BENCH_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const SECTION_NAMES = ["api", "workflows", "webhooks", "sync", "fanout", "function"];
const SECTIONS = new Set((process.env.BENCH_SECTIONS || SECTION_NAMES.join(",")).split(",").map((name) => name.trim()));
if (![...SECTIONS].every((name) => SECTION_NAMES.includes(name))) {
  console.error(
    `bench: FAILED: BENCH_SECTIONS is a comma-separated list of ${SECTION_NAMES.join(", ")}, not ${process.env.BENCH_SECTIONS}`,
  );
  process.exit(1);
}
const FUNCTION_CALLS = envNumber("BENCH_FUNCTION_CALLS", 500, 100, 100_000);
const FAN_OUT_ITEMS = envNumber("BENCH_FAN_OUT_ITEMS", 1000, 10, 1000);
const MCP_PAIRS = envNumber("BENCH_MCP_PAIRS", 3, 1, 9);
/** Users connected for the workflows section, whom its runs rotate over. */
const WORKFLOW_USERS = 20;
/** Users connected for the webhooks section, whom its events rotate over. */
const WEBHOOK_USERS = 20;
/** Users connected for the sync section, whom its calls rotate over. */
const SYNC_USERS = 20;

/** The Connect API allows 120 calls per user and minute: every user is kept to at most this many per run. */
const MAX_CALLS_PER_USER = 100;
/**
 * Connected users for (b): one request run per count, each rotating over that many in
 * X-Switchboard-User (BENCH_REQUEST_USERS, a comma-separated list; default 200 and 20,000: the
 * cost must not grow with the number of connections).
 */
const REQUEST_USER_COUNTS = (process.env.BENCH_REQUEST_USERS || "200,20000").split(",").map((count) => {
  const value = Number(count.trim());
  if (!Number.isInteger(value) || value < 1 || value > 100_000) {
    console.error(
      `bench: FAILED: BENCH_REQUEST_USERS is a comma-separated list of integers from 1 to 100000, not ${process.env.BENCH_REQUEST_USERS}`,
    );
    process.exit(1);
  }
  return value;
});
/** Refresh tokens pre-issued for (a), one per connect request (warm-up included): more than it can use. */
const CONNECT_TOKEN_POOL = envNumber("BENCH_CONNECT_TOKENS", 40_000, 1_000, 100_000);
/** Distinct users for (a), so no user reaches the rate limit. */
const CONNECT_USERS = Math.ceil(CONNECT_TOKEN_POOL / MAX_CALLS_PER_USER);

const STARTUP_TIMEOUT_MS = 90_000;
const CLEANUP_STEP_TIMEOUT_MS = 15_000;

// ---- cleanup --------------------------------------------------------------------------------

const cleanups: Array<{ name: string; run: () => Promise<void> }> = [];
let cleaning: Promise<void> | undefined;

function onCleanup(name: string, run: () => Promise<void>): void {
  cleanups.push({ name, run });
}

/** Runs the cleanups last-registered first; each is bounded in time, and a failure does not stop the rest. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, run } of cleanups.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          run(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${CLEANUP_STEP_TIMEOUT_MS / 1000} s`)), CLEANUP_STEP_TIMEOUT_MS);
          }),
        ]);
      } catch (error) {
        console.error(`bench: cleanup "${name}" failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        clearTimeout(timer);
      }
    }
  })();
  return cleaning;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}, cleaning up…`);
    void cleanUp().then(() => process.exit(130));
  });
}

// ---- helpers --------------------------------------------------------------------------------

function log(message: string): void {
  console.log(`bench: ${message}`);
}

function ratio(a: number, b: number): number {
  return b > 0 ? Math.round((a / b) * 100) / 100 : Number.NaN;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  return [line(rows[0]!), widths.map((width) => "-".repeat(width)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

// ---- the benchmark --------------------------------------------------------------------------

async function main(): Promise<void> {
  process.chdir(ROOT);
  if (SECTIONS.has("api") && !existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    throw new Error(`No production build in ${ROOT}/.next (BUILD_ID is missing): run \`npm run build\` first.`);
  }

  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? "",
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    sections: [...SECTIONS],
  };
  const failures: string[] = [];
  // First, on a process that has done nothing else yet: the sandbox runs here, not in a server.
  if (SECTIONS.has("function")) await functionSection({ report });
  if ([...SECTIONS].every((name) => name === "function")) return finish(report, failures);

  // 1. A database of our own.
  const databaseName = `switchboard_bench_${randomBytes(6).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  onCleanup("PostgreSQL admin connection", () => admin.end({ timeout: 5 }));
  try {
    await admin.unsafe(`create database "${databaseName}"`);
  } catch (error) {
    throw new Error(
      `could not create a database at ${ADMIN_URL.replace(/\/\/[^@]*@/, "//…@")}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  onCleanup(`drop database ${databaseName}`, async () => {
    await admin.unsafe(`drop database if exists "${databaseName}" with (force)`);
    log(`dropped database ${databaseName}`);
  });
  const databaseUrlObject = new URL(ADMIN_URL);
  databaseUrlObject.pathname = `/${databaseName}`;
  const databaseUrl = databaseUrlObject.toString();
  const encryptionKey = randomBytes(32).toString("base64");
  log(`database ${databaseName}`);

  // The app's code in this process uses the same database and key as the server.
  process.env.DATABASE_URL = databaseUrl;
  process.env.SWITCHBOARD_ENCRYPTION_KEY = encryptionKey;
  process.env.SWITCHBOARD_ALLOW_PRIVATE_NETWORK = "true";
  // `server-only` throws outside React Server Components; here (as under Vitest) it guards nothing.
  const hook =
    'export async function resolve(specifier, context, next) { if (specifier === "server-only") ' +
    'return { url: "data:text/javascript,export%20%7B%7D", shortCircuit: true }; return next(specifier, context); }';
  register(`data:text/javascript,${encodeURIComponent(hook)}`);

  // 2. TaskLab, in a process of its own.
  const tasklab = await startRemoteTaskLab(ROOT);
  onCleanup("TaskLab", () => tasklab.close());
  log(`TaskLab at ${tasklab.url}`);

  // 3. Data, through the app's own code.
  const setup = await import("./setup");
  onCleanup("the app's database pool in this process", () => setup.closeAppDatabase());
  const data = await setup.createBenchData(tasklab.url);
  log(`project ${data.projectId}, resource ${data.resourceId}`);

  if (SECTIONS.has("api")) await apiSection({ databaseUrl, encryptionKey, tasklab, setup, data, report, failures });
  if (SECTIONS.has("workflows")) await workflowsSection({ databaseUrl, tasklab, setup, data, report, failures });
  if (SECTIONS.has("webhooks")) await webhooksSection({ databaseUrl, encryptionKey, tasklab, setup, data, report, failures });
  if (SECTIONS.has("sync")) await syncSection({ databaseUrl, encryptionKey, tasklab, setup, data, report, failures });
  if (SECTIONS.has("fanout")) await fanOutSection({ databaseUrl, tasklab, setup, data, report, failures });
  finish(report, failures);
}

function finish(report: Record<string, unknown>, failures: string[]): void {
  writeFileSync(RESULTS_PATH, `${JSON.stringify(report, null, 2)}\n`);
  log(`results written to ${RESULTS_PATH}`);
  if (failures.length) throw new Error(failures.join("; "));
}

type Setup = typeof import("./setup");
type BenchData = Awaited<ReturnType<Setup["createBenchData"]>>;
interface SectionContext {
  databaseUrl: string;
  tasklab: Awaited<ReturnType<typeof startRemoteTaskLab>>;
  setup: Setup;
  data: BenchData;
  report: Record<string, unknown>;
  failures: string[];
}

/** (a) and (b): the Connect API and the request route under autocannon, against `next start` (bench/api.ts). */
async function apiSection({
  databaseUrl,
  encryptionKey,
  tasklab,
  setup,
  data,
  report,
  failures,
}: SectionContext & { encryptionKey: string }): Promise<void> {
  const { runApiBench } = await import("./api");
  const { ceilingRun, bareRun, connectRun, directRun, requestRuns, mcpPairs, mcpToolErrors, notes, poolExhausted, upstreamNon2xx } =
    await runApiBench({
      root: ROOT,
      databaseUrl,
      encryptionKey,
      tasklab,
      setup,
      data,
      connections: CONNECTIONS,
      durationSeconds: DURATION_SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      startupTimeoutMs: STARTUP_TIMEOUT_MS,
      requestUserCounts: REQUEST_USER_COUNTS,
      mcpPairs: MCP_PAIRS,
      connectTokenPool: CONNECT_TOKEN_POOL,
      connectUserCount: CONNECT_USERS,
      maxCallsPerUser: MAX_CALLS_PER_USER,
      onCleanup,
      log,
    });
  const requestRun = requestRuns[0]!;
  // MCP beside the request route: the pair with the median req/s ratio.
  const pairRatio = ({ request, mcp }: (typeof mcpPairs)[number]) => mcp.requestsPerSecond / request.requestsPerSecond;
  const medianPair = [...mcpPairs].sort((a, b) => pairRatio(a) - pairRatio(b))[Math.floor(mcpPairs.length / 2)]!;

  // Results.
  const runs = [
    ceilingRun,
    bareRun,
    connectRun,
    directRun,
    ...requestRuns,
    ...mcpPairs.flatMap((pair) => (pair.request === requestRun ? [pair.mcp] : [pair.request, pair.mcp])),
  ];
  const ratios = {
    toCeiling: Object.fromEntries(
      [connectRun, ...requestRuns].map((run) => [run.name, ratio(run.requestsPerSecond, ceilingRun.requestsPerSecond)]),
    ),
    requestUsersScale: ratio(requestRuns.at(-1)!.requestsPerSecond, requestRun.requestsPerSecond),
    connect: {
      requestsPerSecond: ratio(connectRun.requestsPerSecond, bareRun.requestsPerSecond),
      latencyP50: ratio(connectRun.latencyP50Ms, bareRun.latencyP50Ms),
      latencyP99: ratio(connectRun.latencyP99Ms, bareRun.latencyP99Ms),
    },
    request: {
      requestsPerSecond: ratio(requestRun.requestsPerSecond, directRun.requestsPerSecond),
      latencyP50: ratio(requestRun.latencyP50Ms, directRun.latencyP50Ms),
      latencyP99: ratio(requestRun.latencyP99Ms, directRun.latencyP99Ms),
    },
    mcp: {
      requestsPerSecond: ratio(medianPair.mcp.requestsPerSecond, medianPair.request.requestsPerSecond),
      latencyP50: ratio(medianPair.mcp.latencyP50Ms, medianPair.request.latencyP50Ms),
      latencyP99: ratio(medianPair.mcp.latencyP99Ms, medianPair.request.latencyP99Ms),
      pairs: mcpPairs.map((pair) => ratio(pair.mcp.requestsPerSecond, pair.request.requestsPerSecond)),
    },
  };
  const rows = [
    ["run", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors", "server CPU ms/req"],
    ...runs.map((run) => [
      run.name,
      run.requestsPerSecond.toFixed(1),
      run.latencyP50Ms.toFixed(1),
      run.latencyP99Ms.toFixed(1),
      String(run.non2xx),
      String(run.errors),
      run.serverCpuMsPerRequest === undefined ? "n/a" : run.serverCpuMsPerRequest.toFixed(2),
    ]),
  ];
  console.log("");
  console.log(table(rows));
  console.log("");
  console.log(
    `(a) Switchboard/bare:   req/s ×${ratios.connect.requestsPerSecond}, p50 ×${ratios.connect.latencyP50}, p99 ×${ratios.connect.latencyP99}`,
  );
  console.log(
    `(b) Switchboard/direct: req/s ×${ratios.request.requestsPerSecond}, p50 ×${ratios.request.latencyP50}, p99 ×${ratios.request.latencyP99}`,
  );
  console.log(
    `(b) MCP/request:        req/s ×${ratios.mcp.requestsPerSecond}, p50 ×${ratios.mcp.latencyP50}, p99 ×${ratios.mcp.latencyP99} (median of pairs: req/s ×${ratios.mcp.pairs.join(", ×")})`,
  );
  for (const [name, value] of Object.entries(ratios.toCeiling)) console.log(`${name}/ceiling: req/s ×${value}`);
  if (requestRuns.length > 1)
    console.log(`(b) ${REQUEST_USER_COUNTS.at(-1)} users/${REQUEST_USER_COUNTS[0]} users: req/s ×${ratios.requestUsersScale}`);
  const goal = (what: string, met: boolean) => console.log(`goal: ${what}: ${met ? "met" : "NOT met"}`);
  goal("request ≥ 50% of the ceiling's req/s", requestRun.requestsPerSecond >= 0.5 * ceilingRun.requestsPerSecond);
  goal("request server CPU ≤ 1 ms per request", (requestRun.serverCpuMsPerRequest ?? Infinity) <= 1);
  goal("request p99 ≤ 3× p50", requestRun.latencyP99Ms <= 3 * requestRun.latencyP50Ms);
  goal("MCP tools/call ≥ 80% of the request route's req/s (median pair)", pairRatio(medianPair) >= 0.8);
  goal("connect ≥ 25% of the ceiling's req/s", connectRun.requestsPerSecond >= 0.25 * ceilingRun.requestsPerSecond);
  goal("connect server CPU ≤ 2 ms per request", (connectRun.serverCpuMsPerRequest ?? Infinity) <= 2);
  if (requestRuns.length > 1) goal("request req/s with the most users within 10% of the fewest", ratios.requestUsersScale >= 0.9);
  console.log("");
  for (const note of notes) console.log(`note: ${note}`);
  for (const run of runs) {
    const prepared = run.preparedWithWarmup === undefined ? "" : `, ${run.preparedWithWarmup} prepared`;
    console.log(
      `note: ${run.name}: load average ${run.loadAverageBefore} before; warm-up included: ${run.completedWithWarmup} answers${prepared}, ` +
        `${run.tasklabTokenRequests} TaskLab token-endpoint calls`,
    );
  }
  for (const run of runs) {
    if (run.non2xx > 0)
      console.log(`note: ${run.name} status codes ${JSON.stringify(run.statusCodes)}; e.g. ${run.non2xxSamples.join(" | ")}`);
  }

  report.config = {
    connections: CONNECTIONS,
    durationSeconds: DURATION_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    connectUsers: CONNECT_USERS,
    connectTokenPool: CONNECT_TOKEN_POOL,
    requestUsers: REQUEST_USER_COUNTS,
    connectMode: "user-profile-with-fresh-refresh-token-per-request",
  };
  report.runs = runs;
  report.ratios = ratios;
  report.extra = { connectPoolExhausted: poolExhausted, requestUpstreamNon2xx: upstreamNon2xx, mcpToolErrors };
  report.notes = notes;

  const failed = runs.filter((run) => run.completed === 0 || run.non2xx === run.completed);
  if (failed.length) failures.push(`no successful answers in: ${failed.map((run) => run.name).join(", ")}`);
}

/** workflows: the engine with 1 and 2 worker processes, beside pg-boss alone (bench/workflows.ts). */
async function workflowsSection({ databaseUrl, tasklab, setup, data, report, failures }: SectionContext): Promise<void> {
  const users = Array.from({ length: WORKFLOW_USERS }, (_, i) => `bench-workflow-user-${i}`);
  await setup.connectUsers(data, users, (await tasklab.issueTokens(users, { refreshOnly: true })).refreshTokens);
  log(`${WORKFLOW_USERS} users connected for the workflows section`);
  const { runWorkflowBench } = await import("./workflows");
  const started = performance.now();
  const { rows, notes } = await runWorkflowBench({
    root: ROOT,
    databaseUrl,
    data,
    users,
    startupTimeoutMs: STARTUP_TIMEOUT_MS,
    onCleanup,
    log,
    cpuSeconds: treeCpuSeconds,
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
  console.log("");
  console.log(
    table([
      [
        "workflows",
        "workers",
        "backlog",
        "per s",
        "worker CPU ms",
        "PostgreSQL CPU ms",
        "paced /s",
        "paced p50 ms",
        "paced p99 ms",
        "failed",
      ],
      ...rows.map((row) => [
        row.name,
        String(row.workers),
        String(row.backlog),
        fixed(row.perSecond),
        row.workerCpuMs === undefined ? "n/a" : fixed(row.workerCpuMs, 2),
        row.postgresCpuMs === undefined ? "n/a" : fixed(row.postgresCpuMs, 2),
        String(row.pacedRate),
        fixed(row.pacedP50Ms, 0),
        fixed(row.pacedP99Ms, 0),
        String(row.failed),
      ]),
    ]),
  );
  const floor = (workers: number) => rows.find((row) => row.workers === workers && row.name.startsWith("pg-boss"));
  const engine = (workers: number) => rows.find((row) => row.workers === workers && row.name.startsWith("workflow"));
  console.log("");
  for (const workers of [1, 2]) {
    console.log(
      `workflows/pg-boss floor, ${workers} worker process${workers > 1 ? "es" : ""}: per s ×${ratio(engine(workers)?.perSecond ?? 0, floor(workers)?.perSecond ?? 0)}`,
    );
  }
  console.log("");
  for (const note of notes) console.log(`note: ${note}`);
  log(`workflows section took ${seconds} s`);
  report.workflows = { users: WORKFLOW_USERS, seconds, rows, notes };
  const broken = rows.filter((row) => row.failed > 0);
  if (broken.length) failures.push(`failed runs or jobs in: ${broken.map((row) => `${row.name} (${row.workers})`).join(", ")}`);
}

/** fanout: a Fan Out's items/s beside one-step runs/s of the same step (bench/fan-out.ts). */
async function fanOutSection({ databaseUrl, tasklab, setup, data, report, failures }: SectionContext): Promise<void> {
  const users = Array.from({ length: WORKFLOW_USERS }, (_, i) => `bench-fan-out-user-${i}`);
  await setup.connectUsers(data, users, (await tasklab.issueTokens(users, { refreshOnly: true })).refreshTokens);
  const { runFanOutBench, FAN_OUT_GOAL_RATIO } = await import("./fan-out");
  const started = performance.now();
  const rows = await runFanOutBench({
    root: ROOT,
    databaseUrl,
    data,
    users,
    items: FAN_OUT_ITEMS,
    startupTimeoutMs: STARTUP_TIMEOUT_MS,
    onCleanup,
    log,
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  console.log("");
  console.log(
    table([
      ["fanout", "count", "per s", "failed"],
      ...rows.map((row) => [row.name, String(row.count), row.perSecond.toFixed(1), String(row.failed)]),
    ]),
  );
  const [runs, items] = rows;
  const share = runs && items ? items.perSecond / runs.perSecond : 0;
  console.log(
    `fanout: items/s = ${(share * 100).toFixed(0)}% of runs/s (goal ≥ ${FAN_OUT_GOAL_RATIO * 100}%: ${share >= FAN_OUT_GOAL_RATIO ? "met" : "NOT met"})`,
  );
  log(`fanout section took ${seconds} s`);
  report.fanout = { seconds, rows, share };
  const broken = rows.filter((row) => row.failed > 0);
  if (broken.length) failures.push(`failed runs or items in: ${broken.map((row) => row.name).join(", ")}`);
}

/** function: the Function step's sandbox, call by call (bench/function-step.ts). */
async function functionSection({ report }: Pick<SectionContext, "report">): Promise<void> {
  const { runFunctionStepBench, FUNCTION_CPU_P50_GOAL_MS } = await import("./function-step");
  const rows = await runFunctionStepBench({ calls: FUNCTION_CALLS });
  const fixed = (value: number) => value.toFixed(3);
  console.log("");
  console.log(
    table([
      ["function", "calls", "cpu p50 ms", "cpu p99 ms", "cpu mean ms", "wall p50 ms"],
      ...rows.map((row) => [
        row.name,
        String(row.calls),
        fixed(row.cpuP50Ms),
        fixed(row.cpuP99Ms),
        fixed(row.cpuMeanMs),
        fixed(row.wallP50Ms),
      ]),
    ]),
  );
  console.log("");
  const mapped = rows[0]!;
  console.log(
    `function: ${mapped.name} p50 ${fixed(mapped.cpuP50Ms)} ms of CPU per call: goal ≤ ${FUNCTION_CPU_P50_GOAL_MS} ms ${mapped.cpuP50Ms <= FUNCTION_CPU_P50_GOAL_MS ? "met" : "NOT met"}`,
  );
  console.log(
    'note: process CPU (all threads) per call: a fresh QuickJS runtime and context, parameters in and result out as JSON; "return null" is what any call costs.',
  );
  report.function = { goalP50Ms: FUNCTION_CPU_P50_GOAL_MS, rows };
}

/** sync: Request-triggered runs with ?wait=true (bench/sync-runs.ts). */
async function syncSection({
  databaseUrl,
  encryptionKey,
  tasklab,
  setup,
  data,
  report,
  failures,
}: SectionContext & { encryptionKey: string }): Promise<void> {
  const users = Array.from({ length: SYNC_USERS }, (_, i) => `bench-sync-user-${i}`);
  await setup.connectUsers(data, users, (await tasklab.issueTokens(users, { refreshOnly: true })).refreshTokens);
  log(`${SYNC_USERS} users connected for the sync section`);
  const { runSyncRunBench, SYNC_P50_GOAL_MS } = await import("./sync-runs");
  const { run, notWaited, database, notes } = await runSyncRunBench({
    root: ROOT,
    databaseUrl,
    encryptionKey,
    data,
    users,
    connections: CONNECTIONS,
    durationSeconds: DURATION_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    startupTimeoutMs: STARTUP_TIMEOUT_MS,
    onCleanup,
    log,
  });
  console.log("");
  console.log(
    table([
      [
        "sync",
        "connections",
        "runs/s",
        "p50 ms",
        "p99 ms",
        "run in db p50 ms",
        "run in db p99 ms",
        "not finished (202)",
        "non-2xx",
        "errors",
      ],
      [
        run.name,
        String(run.connections),
        run.requestsPerSecond.toFixed(1),
        run.latencyP50Ms.toFixed(1),
        run.latencyP99Ms.toFixed(1),
        database.p50Ms.toFixed(1),
        database.p99Ms.toFixed(1),
        String(notWaited),
        String(run.non2xx),
        String(run.errors),
      ],
    ]),
  );
  console.log("");
  console.log(
    `sync p50 ${run.latencyP50Ms} ms: goal ≤ ${SYNC_P50_GOAL_MS} ms on an idle machine ${run.latencyP50Ms <= SYNC_P50_GOAL_MS ? "met" : "NOT met"}`,
  );
  for (const note of notes) console.log(`note: ${note}`);
  console.log(
    "note: run in db: created_at → finished_at of the same runs (warm-up included), the engine's share; the rest of a call's latency is its start, wake and answer.",
  );
  report.sync = { users: SYNC_USERS, run, notWaited, database, notes };
  if (run.non2xx || run.errors)
    failures.push(`sync runs: ${run.non2xx} non-2xx answers, ${run.errors} errors (${run.non2xxSamples.join(" | ")})`);
}

/** webhooks: the intake route at a steady rate of signed events (bench/webhooks.ts). */
async function webhooksSection({
  databaseUrl,
  encryptionKey,
  tasklab,
  setup,
  data,
  report,
  failures,
}: SectionContext & { encryptionKey: string }): Promise<void> {
  const users = Array.from({ length: WEBHOOK_USERS }, (_, i) => `bench-webhook-user-${i}`);
  await setup.connectUsers(data, users, (await tasklab.issueTokens(users, { refreshOnly: true })).refreshTokens);
  log(`${WEBHOOK_USERS} users connected for the webhooks section`);
  const { runWebhookBench, WEBHOOK_P99_GOAL_MS } = await import("./webhooks");
  const { rows, notes } = await runWebhookBench({
    root: ROOT,
    databaseUrl,
    encryptionKey,
    data,
    users,
    durationSeconds: DURATION_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    startupTimeoutMs: STARTUP_TIMEOUT_MS,
    onCleanup,
    log,
    cpuSeconds: treeCpuSeconds,
  });
  const fixed = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : "n/a");
  console.log("");
  console.log(
    table([
      [
        "webhooks",
        "target",
        "rate /s",
        "sent",
        "answers /s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "non-2xx",
        "errors",
        "event rows",
        "runs",
        "CPU ms/event: server",
        "PostgreSQL",
        "sender",
      ],
      ...rows.map((row) => [
        row.name,
        row.target === "next" ? "next start" : "node:http",
        String(row.rate),
        String(row.sent),
        fixed(row.perSecond),
        fixed(row.p50Ms),
        fixed(row.p90Ms),
        fixed(row.p99Ms),
        fixed(row.maxMs),
        String(row.non2xx),
        String(row.errors),
        String(row.eventRows),
        String(row.runs),
        row.serverCpuMsPerEvent === undefined ? "n/a" : fixed(row.serverCpuMsPerEvent),
        row.postgresCpuMsPerEvent === undefined ? "n/a" : fixed(row.postgresCpuMsPerEvent),
        fixed(row.senderCpuMsPerEvent),
      ]),
    ]),
  );
  console.log("");
  for (const row of rows) {
    console.log(
      `webhooks: p99 ${fixed(row.p99Ms)} ms against a goal of < ${WEBHOOK_P99_GOAL_MS} ms: ${row.p99Ms < WEBHOOK_P99_GOAL_MS ? "met" : "NOT met"}`,
    );
  }
  for (const note of notes) console.log(`note: ${note}`);
  report.webhooks = { users: WEBHOOK_USERS, goalP99Ms: WEBHOOK_P99_GOAL_MS, rows, notes };
  const broken = rows.filter((row) => row.non2xx > 0 || row.errors > 0 || row.eventRows !== row.sent || row.runs !== row.sent);
  if (broken.length)
    failures.push(`webhooks: errors, or not one event row and one run per event, in: ${broken.map((row) => row.name).join(", ")}`);
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  exitCode = 1;
  console.error(`\nbench: FAILED: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await cleanUp();
}
process.exit(exitCode);
