// TaskLab (test/fixtures/tasklab.ts) in a process of its own, so that serving the benchmark's
// traffic does not share an event loop with the load generator. The parent asks it over IPC
// for token pairs (TaskLab's issueTokens()); it stops when the parent disconnects.
import { startTaskLab } from "../test/fixtures/tasklab";
import type { TaskLabReply, TaskLabRequest } from "./tasklab-remote";

const MAX_BATCH = 100_000;

const tasklab = await startTaskLab();

function reply(message: TaskLabReply): void {
  process.send?.(message);
}

process.on("message", (raw: unknown) => {
  const message = raw as TaskLabRequest;
  try {
    if (message.op === "stats") {
      reply({ id: message.id, ok: true, accessTokens: [], refreshTokens: [], tokenRequests: tasklab.tokenRequests.length });
      return;
    }
    if (message.op !== "issue") throw new Error(`unknown op ${String((message as { op?: unknown }).op)}`);
    if (message.users.length > MAX_BATCH) throw new Error(`at most ${MAX_BATCH} token pairs per message`);
    const pairs = message.users.map((user) => tasklab.issueTokens(user));
    reply({
      id: message.id,
      ok: true,
      accessTokens: message.refreshOnly ? [] : pairs.map((pair) => pair.accessToken),
      refreshTokens: pairs.map((pair) => pair.refreshToken),
    });
  } catch (error) {
    reply({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});

process.on("disconnect", () => {
  void tasklab.close().then(() => process.exit(0));
});

reply({ id: 0, ok: true, url: tasklab.url, accessTokens: [], refreshTokens: [] });
