// The "api" section of `npm run bench` ((a) and (b) in bench/run.ts): the Connect API and the
// request route under autocannon against `next start`, each beside its floor, and the ceiling.
//
//   (a) POST /projects/:p/sdk/resources/:r/connect, rotating the User Tokens of many users,
//       beside bench/bare-connect-server.ts (jose RS256 verify + encrypted postgres.js upsert);
//   (b) POST /projects/:p/sdk/resources/:r/request with a Secret Key and X-Switchboard-User,
//       beside GET /api/tasks straight at TaskLab, once per connected-users count;
//   (b) MCP: tools/call of the list_tasks operation tool (GET /tasks) through POST /projects/:p/mcp,
//       the same Secret Key and users as (b)'s first users count, beside it (goal ≥ 80% of its req/s);
//   the ceiling: GET /api/health of the same build (a route handler doing one query).
//
// Needs a production build. BENCH_API_PROFILE=<dir> writes a V8 CPU profile of the `next start`
// there. bench/run.ts prints the runs, their ratios and the goals.
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { type LoadOptions, measure, type RunSummary } from "./load";
import { freePort, startProcess, waitForHttpOk, waitForLine } from "@/test/support/processes";
import { treeCpuSeconds } from "./process-cpu";
import type { BenchData } from "./setup";
import type { startRemoteTaskLab } from "./tasklab-remote";

/** An unmeasured run of the request route before its first measured one. */
const REQUEST_PREWARM_SECONDS = 5;

export interface ApiBenchOptions {
  root: string;
  databaseUrl: string;
  encryptionKey: string;
  tasklab: Awaited<ReturnType<typeof startRemoteTaskLab>>;
  setup: typeof import("./setup");
  data: BenchData;
  /** autocannon's connections, and each run's measured and warm-up seconds. */
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  startupTimeoutMs: number;
  /** (b): one request run per count of connected users it rotates over. */
  requestUserCounts: readonly number[];
  /** (b) MCP: pairs of runs, the request route's then MCP's, over the first users count's users. */
  mcpPairs: number;
  /** (a): refresh tokens pre-issued, one per connect request; distinct users; calls each user is kept to. */
  connectTokenPool: number;
  connectUserCount: number;
  maxCallsPerUser: number;
  onCleanup(name: string, run: () => Promise<void>): void;
  log(message: string): void;
}

export interface ApiBenchResult {
  ceilingRun: RunSummary;
  bareRun: RunSummary;
  connectRun: RunSummary;
  directRun: RunSummary;
  /** One per requestUserCounts, in its order. */
  requestRuns: RunSummary[];
  /**
   * (b) MCP tools/call over the first users count's users, each right after a request run over
   * the same users (the first pair's is requestRuns[0]).
   */
  mcpPairs: Array<{ request: RunSummary; mcp: RunSummary }>;
  /** tools/call answers (HTTP 200) that were tool errors. */
  mcpToolErrors: number;
  notes: string[];
  /** Connect requests that reused a refresh token once the pool ran out. */
  poolExhausted: number;
  /** Request answers whose TaskLab status was not 2xx. */
  upstreamNon2xx: number;
}

/** Answers of one real call, to fail early (and clearly) when a route does not work at all. */
async function expectOk(name: string, url: string, init: RequestInit, check?: (body: string) => string | undefined): Promise<void> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const body = await response.text();
  if (response.status < 200 || response.status > 299)
    throw new Error(`${name}: a trial call answered ${response.status}: ${body.slice(0, 500)}`);
  const problem = check?.(body);
  if (problem) throw new Error(`${name}: a trial call answered 200 but ${problem}: ${body.slice(0, 500)}`);
}

/** A tools/call answer that is a success: the tool ran and TaskLab answered 2xx. */
function mcpSucceeded(body: string): boolean {
  try {
    const answer = JSON.parse(body) as { result?: { isError?: boolean; structuredContent?: unknown } };
    return answer.result !== undefined && answer.result.isError !== true && answer.result.structuredContent !== undefined;
  } catch {
    return false;
  }
}

function upstreamStatus(body: string): number | undefined {
  try {
    const status = (JSON.parse(body) as { status?: unknown }).status;
    return typeof status === "number" ? status : undefined;
  } catch {
    return undefined;
  }
}

/** (a) and (b): the Connect API and the request route under autocannon, against `next start`. */
export async function runApiBench({
  root,
  databaseUrl,
  encryptionKey,
  tasklab,
  setup,
  data,
  connections,
  durationSeconds,
  warmupSeconds,
  startupTimeoutMs,
  requestUserCounts,
  mcpPairs: pairCount,
  connectTokenPool,
  connectUserCount,
  maxCallsPerUser,
  onCleanup,
  log,
}: ApiBenchOptions): Promise<ApiBenchResult> {
  const requestUsersMax = Math.max(...requestUserCounts);
  // The production server.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // BENCH_API_PROFILE=<dir>: a V8 CPU profile of the server (node --cpu-prof), written there when it stops.
  const profileDir = process.env.BENCH_API_PROFILE;
  const nextStart = ["start", "--port", String(port), "--hostname", "127.0.0.1"];
  const [command, args] = profileDir
    ? [
        process.execPath,
        ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, path.join(root, "node_modules", "next", "dist", "bin", "next"), ...nextStart],
      ]
    : ["npx", ["next", ...nextStart]];
  const server = startProcess("next start", command, args, {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
      NEXTAUTH_URL: base,
      SWITCHBOARD_ENCRYPTION_KEY: encryptionKey,
      SWITCHBOARD_ALLOW_PRIVATE_NETWORK: "true",
      // The workflows section measures its own worker processes: this server works no queues.
      SWITCHBOARD_WORKERS: "0",
    },
  });
  onCleanup("next start", () => server.stop());
  await waitForHttpOk(server, `${base}/api/health`, startupTimeoutMs);
  log(`Switchboard at ${base}`);

  // Data for (a) and (b).
  const requestUsers = Array.from({ length: requestUsersMax }, (_, i) => `bench-request-user-${i}`);
  await setup.storeConnections(data, requestUsers, await tasklab.issueTokens(requestUsers));
  log(`${requestUsersMax} users connected for the request runs`);

  const connectUsers = Array.from({ length: connectUserCount }, (_, i) => `bench-connect-user-${i}`);
  const connectUserTokens = await setup.userTokens(data, connectUsers, 3600);
  const pool = (
    await tasklab.issueTokens(
      Array.from({ length: connectTokenPool }, (_, i) => connectUsers[i % connectUserCount]!),
      { refreshOnly: true },
    )
  ).refreshTokens;
  log(`${connectUserCount} User Tokens and ${pool.length} TaskLab refresh tokens for the connect run`);

  const bare = startProcess(
    "bare connect server",
    process.execPath,
    ["--import", "tsx", path.join(root, "bench", "bare-connect-server.ts")],
    {
      cwd: root,
      env: {
        ...process.env,
        BARE_DATABASE_URL: databaseUrl,
        BARE_PUBLIC_JWK: JSON.stringify(data.publicKeyJwk),
        BARE_ENCRYPTION_KEY: encryptionKey,
      },
    },
  );
  onCleanup("bare connect server", () => bare.stop());
  const barePort = Number((await waitForLine(bare, /BARE_CONNECT_READY (\d+)/, startupTimeoutMs))[1]);
  const bareUrl = `http://127.0.0.1:${barePort}/connect`;

  const connectUrl = `${base}/projects/${data.projectId}/sdk/resources/${data.resourceId}/connect`;
  const requestUrl = `${base}/projects/${data.projectId}/sdk/resources/${data.resourceId}/request`;
  const directUrl = `${tasklab.url}/api/tasks`;
  const directToken = (await tasklab.issueTokens(["bench-direct-user"])).accessTokens[0]!;
  const requestBody = JSON.stringify({ method: "GET", path: "/tasks" });
  const mcpUrl = `${base}/projects/${data.projectId}/mcp`;
  await setup.enableTools(data, tasklab.url, ["list_tasks"]);
  const mcpBody = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "list_tasks", arguments: {} } });
  const mcpHeaders = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": "2025-06-18",
  };

  // One trial call per target, with tokens of their own (not the pools'), so a broken route fails here.
  const trial = await tasklab.issueTokens(["bench-trial-user"], { refreshOnly: true });
  const [trialUserToken] = await setup.userTokens(data, ["bench-trial-user"], 600);
  const jsonHeaders = { "content-type": "application/json" };
  await expectOk("bare connect", bareUrl, {
    method: "POST",
    headers: { ...jsonHeaders, authorization: `Bearer ${trialUserToken}` },
    body: JSON.stringify({ refresh_token: "tlr_trial" }),
  });
  await expectOk("Switchboard connect", connectUrl, {
    method: "POST",
    headers: { ...jsonHeaders, authorization: `Bearer ${trialUserToken}` },
    body: JSON.stringify({ refresh_token: trial.refreshTokens[0] }),
  });
  await expectOk("TaskLab direct", directUrl, { headers: { authorization: `Bearer ${directToken}` } });
  await expectOk(
    "Switchboard request",
    requestUrl,
    {
      method: "POST",
      headers: { ...jsonHeaders, authorization: `Bearer ${data.secretKey}`, "x-switchboard-user": requestUsers[0]! },
      body: requestBody,
    },
    (body) => (upstreamStatus(body) === 200 ? undefined : "TaskLab's answer through it was not 200"),
  );
  await expectOk(
    "Switchboard MCP tools/call",
    mcpUrl,
    {
      method: "POST",
      headers: { ...mcpHeaders, authorization: `Bearer ${data.secretKey}`, "x-switchboard-user": requestUsers[0]! },
      body: mcpBody,
    },
    (body) => (mcpSucceeded(body) ? undefined : "the tool call was not a success"),
  );

  // The runs.
  const common = { connections, durationSeconds, warmupSeconds };
  const announce = (name: string) =>
    log(`running ${name} (${warmupSeconds} s warm-up + ${durationSeconds} s, ${connections} connections)…`);
  /**
   * measure(), noting the load average before, TaskLab's token-endpoint calls during the run,
   * how many requests setupRequest prepared, and the CPU time of the server under test.
   */
  const measureRun = async (
    options: LoadOptions,
    extra: { serverPid: number | undefined; prepared?: () => number },
  ): Promise<RunSummary> => {
    const loadAverageBefore = Math.round(os.loadavg()[0]! * 100) / 100;
    const tokenRequestsBefore = await tasklab.tokenRequestCount();
    const cpuBefore = treeCpuSeconds(extra.serverPid);
    const run = await measure(options);
    const cpuAfter = treeCpuSeconds(extra.serverPid);
    run.tasklabTokenRequests = (await tasklab.tokenRequestCount()) - tokenRequestsBefore;
    run.loadAverageBefore = loadAverageBefore;
    if (extra.prepared) run.preparedWithWarmup = extra.prepared();
    if (cpuBefore !== undefined && cpuAfter !== undefined && run.completedWithWarmup > 0) {
      run.serverCpuMsPerRequest = Math.round(((cpuAfter - cpuBefore) * 1000 * 100) / run.completedWithWarmup) / 100;
    }
    return run;
  };

  // (a) bare: the same User Tokens, rotated; any refresh token (it is only stored).
  let bareCalls = 0;
  announce("(a) bare connect");
  const bareRun = await measureRun(
    {
      ...common,
      name: "(a) bare connect (floor)",
      url: bareUrl,
      method: "POST",
      setupRequest: (request) => {
        const i = bareCalls++;
        return {
          ...request,
          headers: { ...jsonHeaders, authorization: `Bearer ${connectUserTokens[i % connectUserCount]}` },
          body: JSON.stringify({ refresh_token: pool[i % pool.length] }),
        };
      },
    },
    { serverPid: bare.child.pid, prepared: () => bareCalls },
  );

  // (a) Switchboard: request i is user i % connectUserCount's, with pre-issued refresh token i.
  let connectCalls = 0;
  let poolExhausted = 0;
  announce("(a) Switchboard connect");
  const connectRun = await measureRun(
    {
      ...common,
      name: "(a) Switchboard connect",
      url: connectUrl,
      method: "POST",
      setupRequest: (request) => {
        const i = connectCalls++;
        if (i >= pool.length) poolExhausted++;
        return {
          ...request,
          headers: { ...jsonHeaders, authorization: `Bearer ${connectUserTokens[i % connectUserCount]}` },
          body: JSON.stringify({ refresh_token: pool[i % pool.length] }),
        };
      },
    },
    { serverPid: server.child.pid, prepared: () => connectCalls },
  );

  // (b) direct: one valid access token.
  announce("(b) TaskLab direct");
  const directRun = await measureRun(
    {
      ...common,
      name: "(b) TaskLab GET /api/tasks direct",
      url: directUrl,
      headers: { authorization: `Bearer ${directToken}` },
    },
    { serverPid: tasklab.process.child.pid },
  );

  // The ceiling: a route handler of the same build doing one query.
  announce("ceiling GET /api/health");
  const ceilingRun = await measureRun(
    { ...common, name: "ceiling: GET /api/health (one query)", url: `${base}/api/health` },
    { serverPid: server.child.pid },
  );

  // (b) Switchboard: the Secret Key, naming the connected users in turn; once per users count.
  let upstreamNon2xx = 0;
  const requestRuns: RunSummary[] = [];
  // The request route and MCP are warmed once more before the first measured run, figures
  // discarded: with only each run's own warm-up, whichever users count ran first measured 10–15%
  // slow (tried in both orders, on the 2-core dev machine by 2026-12-01), and of three MCP runs
  // the first was the slowest in every bench (2026-12-08).
  const prewarm = async (name: string, url: string, headers: (call: number) => Record<string, string>, body: string) => {
    log(`warming ${name} for ${REQUEST_PREWARM_SECONDS} s…`);
    let calls = 0;
    await measure({
      ...common,
      durationSeconds: REQUEST_PREWARM_SECONDS,
      name: `${name} pre-warm`,
      url,
      method: "POST",
      setupRequest: (request) => ({ ...request, headers: headers(calls++), body }),
    });
  };
  const firstUsers = requestUserCounts[0]!;
  const asUser = (call: number) => ({ authorization: `Bearer ${data.secretKey}`, "x-switchboard-user": requestUsers[call % firstUsers]! });
  await prewarm("the request route", requestUrl, (call) => ({ ...jsonHeaders, ...asUser(call) }), requestBody);
  await prewarm("MCP", mcpUrl, (call) => ({ ...mcpHeaders, ...asUser(call) }), mcpBody);
  const requestRunOver = async (users: number, name: string): Promise<RunSummary> => {
    let requestCalls = 0;
    announce(name);
    return measureRun(
      {
        ...common,
        name,
        url: requestUrl,
        method: "POST",
        setupRequest: (request) => ({
          ...request,
          headers: {
            ...jsonHeaders,
            authorization: `Bearer ${data.secretKey}`,
            "x-switchboard-user": requestUsers[requestCalls++ % users]!,
          },
          body: requestBody,
        }),
        onResponse: (status, body) => {
          if (status !== 200) return;
          const upstream = upstreamStatus(body);
          if (upstream === undefined || upstream < 200 || upstream > 299) upstreamNon2xx++;
        },
      },
      { serverPid: server.child.pid, prepared: () => requestCalls },
    );
  };
  for (const users of requestUserCounts) requestRuns.push(await requestRunOver(users, `(b) Switchboard request (${users} users)`));

  // (b) MCP: the same upstream call as a tool, for the first users count's users, each run right
  // after a request run, in pairs: one pair's ratio moved by up to ±0.1 from one bench to the next
  // on the 2-core dev machine (2026-12-07), the median of three much less.
  let mcpToolErrors = 0;
  const mcpRunOver = async (name: string): Promise<RunSummary> => {
    let mcpCalls = 0;
    announce(name);
    return measureRun(
      {
        ...common,
        name,
        url: mcpUrl,
        method: "POST",
        setupRequest: (request) => ({
          ...request,
          headers: { ...mcpHeaders, ...asUser(mcpCalls++) },
          body: mcpBody,
        }),
        onResponse: (status, body) => {
          if (status === 200 && !mcpSucceeded(body)) mcpToolErrors++;
        },
      },
      { serverPid: server.child.pid, prepared: () => mcpCalls },
    );
  };
  const mcpPairs: ApiBenchResult["mcpPairs"] = [];
  for (let pair = 1; pair <= pairCount; pair++) {
    const suffix = pairCount > 1 ? `, pair ${pair}` : "";
    const request =
      pair === 1 ? requestRuns[0]! : await requestRunOver(firstUsers, `(b) Switchboard request (${firstUsers} users)${suffix}`);
    mcpPairs.push({ request, mcp: await mcpRunOver(`(b) Switchboard MCP tools/call (${firstUsers} users)${suffix}`) });
  }

  const notes = [
    "(a) Switchboard connect: the resource HAS a User Profile (GET /me). Each request's body is { refresh_token } with a " +
      "refresh token pre-issued by TaskLab's issueTokens() for that request alone, so every connect makes one token " +
      "refresh and one profile request at TaskLab, then the encrypted upsert.",
    `(a) ${connectUserCount} distinct users (User Tokens, RS256) rotated, at most ${maxCallsPerUser} calls each (rate limit 120/min).`,
    "(a) bare: jose RS256 verify + AES-256-GCM + postgres.js upsert only; no outbound calls.",
    `(b) Secret Key + X-Switchboard-User rotating over ${requestUserCounts.join(" / ")} connected users (stored with a valid access token: no refreshes); body {"method":"GET","path":"/tasks"}.`,
    `(b) MCP: one JSON-RPC tools/call of list_tasks (GET /tasks) per HTTP request (stateless: no initialize), Secret Key + X-Switchboard-User over the first ${firstUsers} users; ${pairCount} pair(s) of a request run then an MCP run, the ratio the median pair's.`,
    "ceiling: GET /api/health of the same `next start`, one query (select 1): what the framework serves with one database round trip.",
    "All processes (autocannon, Switchboard, TaskLab, bare server, PostgreSQL) share this machine.",
    "server CPU ms/req: user+system CPU of the target's process tree (next start / bare server / TaskLab) over warm-up and run, " +
      "per answer; TaskLab's and PostgreSQL's work on Switchboard's behalf is not in it.",
  ];
  if (poolExhausted > 0)
    notes.push(`WARNING: the refresh-token pool ran out: ${poolExhausted} connect requests reused a token (expect 422s).`);
  if (mcpToolErrors > 0) notes.push(`WARNING: ${mcpToolErrors} MCP tools/call answers were tool errors.`);
  if (upstreamNon2xx > 0) notes.push(`WARNING: ${upstreamNon2xx} Switchboard request answers carried a non-2xx status from TaskLab.`);

  // Nothing of this section keeps running (and using CPU) under the next one.
  await Promise.all([server.stop(), bare.stop()]);
  return { ceilingRun, bareRun, connectRun, directRun, requestRuns, mcpPairs, mcpToolErrors, notes, poolExhausted, upstreamNon2xx };
}
