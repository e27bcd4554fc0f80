import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { expect, test, type TaskLab } from "./support/tasklab";

// Two `next start` processes on one PostgreSQL database: PGlite is one process's database.
test.skip(!process.env.DATABASE_URL, "needs DATABASE_URL (CI runs it on PostgreSQL)");
test.describe.configure({ timeout: 180_000 });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const serverEnv = () => ({
  ...process.env,
  SWITCHBOARD_DATA_DIR: process.env.E2E_DATA_DIR,
  NEXTAUTH_SECRET: process.env.E2E_NEXTAUTH_SECRET,
  SWITCHBOARD_ENCRYPTION_KEY: process.env.E2E_ENCRYPTION_KEY,
});

async function startServer(extraEnv: Record<string, string> = {}): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn("npx", ["next", "start", "--hostname", "127.0.0.1", "--port", String(port)], {
    env: { ...serverEnv(), ...extraEnv },
    stdio: "ignore",
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 120; attempt++) {
    const healthy = await fetch(`${url}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return { url, process: child };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("The extra server did not start.");
}

function stop(server: { process: ChildProcess }) {
  try {
    process.kill(-server.process.pid!, "SIGKILL");
  } catch {
    // Already gone (the crash test kills it).
  }
}

/** A published TaskLab resource with one connected user per refresh token, each holding an expired access token. */
async function setUp(tasklab: TaskLab, users: number) {
  const tokens = Array.from({ length: users }, () => tasklab.issueTokens().refreshToken);
  const { stdout } = await promisify(execFile)(
    "npx",
    ["tsx", "--conditions=react-server", "e2e/support/refresh-setup.ts", tasklab.url, tasklab.expiredAccessToken(), ...tokens],
    { env: serverEnv() },
  );
  tasklab.reset();
  return JSON.parse(stdout.trim().split("\n").pop()!) as { projectId: string; resourceId: string; users: string[]; secretKey: string };
}

function requestTasks(server: string, setup: { projectId: string; resourceId: string; secretKey: string }, userId: string) {
  return fetch(`${server}/projects/${setup.projectId}/sdk/resources/${setup.resourceId}/request`, {
    method: "POST",
    headers: { authorization: `Bearer ${setup.secretKey}`, "x-switchboard-user": userId, "content-type": "application/json" },
    body: JSON.stringify({ method: "GET", path: "/tasks" }),
  });
}

test("50 concurrent requests on an expired token across two server processes refresh it exactly once", async ({ tasklab, baseURL }) => {
  const second = await startServer();
  try {
    const setup = await setUp(tasklab, 1);
    const servers = [baseURL!, second.url];
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => requestTasks(servers[i % 2]!, setup, setup.users[0]!)));
    const bodies = await Promise.all(responses.map((response) => response.json() as Promise<{ status: number }>));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(bodies.map((body) => body.status)).toEqual(Array(50).fill(200));
    expect(tasklab.tokenRequests.filter((request) => request.grantType === "refresh_token")).toHaveLength(1);
  } finally {
    stop(second);
  }
});

test("a server killed between the token response and the database write leaves the connection marked INVALID, never silently broken", async ({
  tasklab,
  baseURL,
}) => {
  // It waits out the dead server's refresh lease (about 35 s) on top of starting a server of its own.
  test.slow();
  // The test injects the crash: a preload that kills the server once a token response is read.
  const crashHook = pathToFileURL(path.resolve("e2e/support/crash-after-token-response.mjs")).href;
  const crashing = await startServer({ NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${crashHook}`.trim() });
  try {
    const setup = await setUp(tasklab, 1);
    const userId = setup.users[0]!;
    // The crashing server gets new tokens from TaskLab (which rotates the refresh token), then dies before storing them.
    await requestTasks(crashing.url, setup, userId).then(
      () => undefined,
      () => undefined,
    );
    expect(tasklab.tokenRequests.map((request) => request.status)).toEqual([200]);

    // The dead holder's lease expires; the next request takes over with the stored (now used) refresh
    // token, TaskLab detects the reuse, and the connection is marked INVALID: the user must reconnect.
    const afterCrash = await requestTasks(baseURL!, setup, userId);
    expect(afterCrash.status).toBe(424);
    expect(await afterCrash.json()).toMatchObject({ error: { code: "reconnect_needed" } });
    const calls = tasklab.tokenRequests.length;
    expect((await requestTasks(baseURL!, setup, userId)).status).toBe(424);
    expect(tasklab.tokenRequests.length).toBe(calls);
  } finally {
    stop(crashing);
  }
});
