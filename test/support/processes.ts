// Child processes for the tests and the benchmark: started in process groups of their own so
// that stopping one also stops what it started (npx → next), and stopped by their ids only.
import { type ChildProcess, fork, spawn } from "node:child_process";
import { once } from "node:events";
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
  /** SIGKILL to its process group, at once: a crash. */
  kill(): void;
  /** SIGTERM to its process group, SIGKILL after `timeoutMs`; resolves once it has exited. */
  stop(timeoutMs?: number): Promise<void>;
}

function manage(name: string, child: ChildProcess): Managed {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim()) lines.push(line);
    }
    if (lines.length > 60) lines.splice(0, lines.length - 60);
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
  // The process leads its own group (detached): signal the group so children go too.
  const signal = (sig: NodeJS.Signals) => {
    if (done || child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  return {
    name,
    child,
    output: () => lines.join("\n"),
    exited,
    kill: () => signal("SIGKILL"),
    async stop(timeoutMs = 5000) {
      if (done || child.pid === undefined) return;
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), timeoutMs);
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
    const timer = setTimeout(
      () => finish(new Error(`${managed.name} did not become ready within ${timeoutMs / 1000} s.\n${managed.output()}`)),
      timeoutMs,
    );
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
