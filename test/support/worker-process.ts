// A second app process on the test's database: `npm run worker` (scripts/worker.ts), or the
// Connect API's route handlers behind node:http (test/support/route-server.ts). Started as one
// Node process (`node --import tsx --conditions=react-server`, no npx or tsx wrapper in
// between) in a process group of its own, so a test can SIGKILL exactly it, mid-step.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** What scripts/worker.ts prints once its workers are registered. */
const WORKER_READY_LINE = /Switchboard worker: working the job queues\./;

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves once the worker works the queues; rejects if it exits first or within `readyTimeoutMs`. */
  ready: Promise<void>;
  /** The match of the ready line (a route server's port is its first group), once ready. */
  readyMatch: Promise<RegExpExecArray>;
  /** Resolves with how it ended ("code 0", "signal SIGKILL"). */
  exited: Promise<string>;
  /** Its last lines of output (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGKILL to its process group, at once: a crash. */
  kill(): void;
  /** SIGTERM (graceful: running steps finish), SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
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
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", path.join(ROOT, script)], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const lines: string[] = [];
  let stdout = "";
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(line);
    if (lines.length > 60) lines.splice(0, lines.length - 60);
  };
  child.stderr!.on("data", keep);
  let done = false;
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => {
      done = true;
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
    child.once("error", (error) => {
      done = true;
      lines.push(String(error));
      resolve(`error ${error.message}`);
    });
  });
  const readyMatch = new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} was not ready within ${readyTimeoutMs} ms.\n${lines.join("\n")}`)), readyTimeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      keep(chunk);
      stdout += chunk.toString("utf8");
      const match = readyLine.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${how}) before it was ready.\n${lines.join("\n")}`));
    });
  });
  const ready = readyMatch.then(() => undefined);
  // A caller that never awaits them must not see an unhandled rejection.
  ready.catch(() => undefined);
  readyMatch.catch(() => undefined);
  const signal = (name: NodeJS.Signals) => {
    if (done || child.pid === undefined) return;
    try {
      process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  return {
    child,
    pid: child.pid!,
    ready,
    readyMatch,
    exited,
    output: () => lines.join("\n"),
    kill: () => signal("SIGKILL"),
    async stop(timeoutMs = 15_000) {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
