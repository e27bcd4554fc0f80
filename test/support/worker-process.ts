// A second app process on the test's database: `npm run worker` (scripts/worker.ts), or the
// Connect API's route handlers behind node:http (test/support/route-server.ts). Started as one
// Node process (`node --import tsx --conditions=react-server`, no npx or tsx wrapper in
// between) in a process group of its own, so a test can SIGKILL exactly it, mid-step.
import path from "node:path";
import { type Managed, startProcess, waitForLine } from "./processes";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** What scripts/worker.ts prints once its workers are registered. */
const WORKER_READY_LINE = /Switchboard worker: working the job queues\./;
/** How long `stop()` lets running steps finish before SIGKILL. */
const GRACEFUL_STOP_MS = 15_000;

export interface WorkerProcess extends Managed {
  pid: number;
  /** Resolves once the worker works the queues; rejects if it exits first or within `readyTimeoutMs`. */
  ready: Promise<void>;
  /** The match of the ready line (a route server's port is its first group), once ready. */
  readyMatch: Promise<RegExpExecArray>;
}

export function startWorkerProcess(options: { env?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {}): WorkerProcess {
  return startAppProcess({ ...options, script: "scripts/worker.ts", readyLine: WORKER_READY_LINE });
}

/** `script` (relative to the repository) in a process of its own; ready once it prints a line matching `readyLine`. */
export function startAppProcess({
  script,
  readyLine,
  env = process.env,
  readyTimeoutMs = 60_000,
}: {
  script: string;
  readyLine: RegExp;
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}): WorkerProcess {
  if (!env.DATABASE_URL) throw new Error(`${script} in a process of its own needs DATABASE_URL (PostgreSQL).`);
  const managed = startProcess(script, process.execPath, ["--import", "tsx", "--conditions=react-server", path.join(ROOT, script)], {
    cwd: ROOT,
    env,
  });
  const readyMatch = waitForLine(managed, readyLine, readyTimeoutMs);
  const ready = readyMatch.then(() => undefined);
  // A caller that never awaits them must not see an unhandled rejection.
  ready.catch(() => undefined);
  readyMatch.catch(() => undefined);
  return { ...managed, pid: managed.child.pid!, ready, readyMatch, stop: (timeoutMs = GRACEFUL_STOP_MS) => managed.stop(timeoutMs) };
}
