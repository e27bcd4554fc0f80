// The parent's side of bench/tasklab-process.ts.
import path from "node:path";
import { forkTs, type Managed } from "@/test/support/processes";

export type TaskLabRequest =
  | {
      id: number;
      op: "issue";
      /** One token pair is issued per entry, for that TaskLab user id. */
      users: string[];
      /** Leave the access tokens out of the answer. */
      refreshOnly?: boolean;
    }
  | { id: number; op: "stats" };

export type TaskLabReply =
  | { id: number; ok: true; url?: string; accessTokens: string[]; refreshTokens: string[]; tokenRequests?: number }
  | { id: number; ok: false; error: string };

export interface RemoteTaskLab {
  url: string;
  process: Managed;
  /** TaskLab's issueTokens() for each user id, in order. */
  issueTokens(users: string[], options?: { refreshOnly?: boolean }): Promise<{ accessTokens: string[]; refreshTokens: string[] }>;
  /** How many requests TaskLab's token endpoint has had so far. */
  tokenRequestCount(): Promise<number>;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const ISSUE_TIMEOUT_MS = 60_000;

export async function startRemoteTaskLab(root: string): Promise<RemoteTaskLab> {
  const managed = forkTs("TaskLab", path.join(root, "bench", "tasklab-process.ts"), { cwd: root, env: process.env });
  const pending = new Map<number, (reply: TaskLabReply) => void>();
  let nextId = 1;
  managed.child.on("message", (raw) => {
    const message = raw as TaskLabReply;
    const resolve = pending.get(message.id);
    pending.delete(message.id);
    resolve?.(message);
  });

  const ask = (id: number, send: () => void, timeoutMs: number) =>
    new Promise<TaskLabReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`TaskLab did not answer within ${timeoutMs / 1000} s.\n${managed.output()}`));
      }, timeoutMs);
      pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      void managed.exited.then((how) => {
        if (!pending.has(id)) return;
        pending.delete(id);
        clearTimeout(timer);
        reject(new Error(`TaskLab exited (${how}).\n${managed.output()}`));
      });
      send();
    });

  const ready = await ask(0, () => {}, READY_TIMEOUT_MS);
  if (!ready.ok || !ready.url) throw new Error(`TaskLab did not start: ${ready.ok ? "no url" : ready.error}`);
  const url = ready.url;

  return {
    url,
    process: managed,
    async issueTokens(users, options = {}) {
      const id = nextId++;
      const request: TaskLabRequest = { id, op: "issue", users, refreshOnly: options.refreshOnly };
      const reply = await ask(id, () => managed.child.send(request), ISSUE_TIMEOUT_MS);
      if (!reply.ok) throw new Error(`TaskLab could not issue tokens: ${reply.error}`);
      return { accessTokens: reply.accessTokens, refreshTokens: reply.refreshTokens };
    },
    async tokenRequestCount() {
      const id = nextId++;
      const request: TaskLabRequest = { id, op: "stats" };
      const reply = await ask(id, () => managed.child.send(request), ISSUE_TIMEOUT_MS);
      if (!reply.ok) throw new Error(`TaskLab could not answer: ${reply.error}`);
      return reply.tokenRequests ?? 0;
    },
    async close() {
      if (managed.child.connected) managed.child.disconnect();
      const timer = setTimeout(() => void managed.stop(), 5000);
      await managed.exited;
      clearTimeout(timer);
    },
  };
}
