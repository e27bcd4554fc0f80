// Child processes for the benchmark: started in process groups of their own so that stopping
// one also stops what it started (npx → next), and stopped by their ids only.
import { type ChildProcess, fork, spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/** A TCP port free on loopback right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!port) throw new Error("could not find a free port on 127.0.0.1");
  return port;
}

export interface Managed {
  name: string;
  child: ChildProcess;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

function manage(name: string, child: ChildProcess): Managed {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim()) lines.push(line);
    }
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
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
  return {
    name,
    child,
    output: () => lines.join("\n"),
    exited,
    async stop() {
      if (done || child.pid === undefined) return;
      // The process leads its own group (detached): signal the group so children go too.
      const signal = (sig: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, sig);
        } catch {
          // already gone
        }
      };
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function startProcess(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Managed {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  return manage(name, child);
}

/** A TypeScript module run by Node with tsx, with an IPC channel. */
export function forkTs(name: string, modulePath: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Managed {
  const child = fork(modulePath, [], {
    cwd: options.cwd,
    env: options.env,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    detached: true,
  });
  return manage(name, child);
}

/** Waits for a line on stdout matching `pattern`; fails if the process exits or `timeoutMs` passes first. */
export async function waitForLine(managed: Managed, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const stdout = managed.child.stdout;
  if (!stdout) throw new Error(`${managed.name}: no stdout`);
  return new Promise<RegExpExecArray>((resolve, reject) => {
    let buffered = "";
    const finish = (error?: Error, match?: RegExpExecArray) => {
      clearTimeout(timer);
      stdout.off("data", onData);
      if (error) reject(error);
      else resolve(match!);
    };
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const match = pattern.exec(buffered);
      if (match) finish(undefined, match);
    };
    const timer = setTimeout(() => finish(new Error(`${managed.name} did not become ready within ${timeoutMs / 1000} s.\n${managed.output()}`)), timeoutMs);
    stdout.on("data", onData);
    void managed.exited.then((how) => finish(new Error(`${managed.name} exited (${how}) before it was ready.\n${managed.output()}`)));
  });
}

/** Polls `url` until it answers 200; fails if the process exits or `timeoutMs` passes first. */
export async function waitForHttpOk(managed: Managed, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  void managed.exited.then((how) => (exited = how));
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${managed.name} exited (${exited}) before ${url} answered 200.\n${managed.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      last = `${response.status} ${await response.text()}`;
      if (response.status === 200) return;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${last}).\n${managed.output()}`);
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Every process's command name, parent and CPU ticks so far (user + system), from /proc (Linux); undefined where /proc cannot be read. */
function processStats(): Map<number, { name: string; ppid: number; ticks: number }> | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const stats = new Map<number, { name: string; ppid: number; ticks: number }>();
  for (const pid of entries) {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, "utf8");
      // The command name is in parentheses and may hold spaces: the fields start after the last ")".
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(pid), { name: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  return stats;
}

/** User+system CPU seconds of every process named `postgres` on this machine (Linux /proc), undefined when there is none to read. */
export function postgresCpuSeconds(): number | undefined {
  const postgres = [...(processStats()?.values() ?? [])].filter((stat) => stat.name === "postgres");
  return postgres.length ? postgres.reduce((sum, stat) => sum + stat.ticks, 0) / TICKS_PER_SECOND : undefined;
}

/**
 * CPU seconds (user + system) used so far by a process and its descendants, from /proc
 * (Linux); undefined where /proc cannot be read.
 */
export function treeCpuSeconds(rootPid: number | undefined): number | undefined {
  if (rootPid === undefined) return undefined;
  const stats = processStats();
  if (!stats?.has(rootPid)) return undefined;
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let ticks = 0;
  const queue = [rootPid];
  for (let i = 0; i < queue.length && i < stats.size; i++) {
    const pid = queue[i]!;
    ticks += stats.get(pid)?.ticks ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}
