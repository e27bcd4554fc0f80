// The webhooks bench's sender (bench/webhooks.ts): a process that holds nothing but the signed
// events, so its own garbage collections do not delay sends that latency is counted from.
// Usage: node --import tsx bench/webhook-sender.ts <job.json> <answers.json> — sends the job's
// warm-up events, prints SENDER_MEASURING, sends the measured ones (open loop at `rate`), prints
// SENDER_MEASURED and writes their answers.
import { readFileSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { pathToFileURL } from "node:url";

export const REQUEST_TIMEOUT_MS = 10_000;

export interface SignedEvent {
  body: string;
  headers: Record<string, string>;
}

export interface Answer {
  status: number;
  ms: number;
  body: string;
}

export interface SenderJob {
  url: string;
  rate: number;
  warmup: SignedEvent[];
  measured: SignedEvent[];
}

export interface SenderResult {
  answers: Answer[];
  elapsedMs: number;
  /** The sender's user+system CPU over the measured events. */
  senderCpuMs: number;
}

/** POSTs one signed event; resolves its status and latency from `dueAt` (status 0: no answer). */
export function post(agent: Agent, url: URL, event: SignedEvent, dueAt: number): Promise<Answer> {
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      {
        method: "POST",
        agent,
        headers: { ...event.headers, "content-length": String(Buffer.byteLength(event.body)) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - dueAt, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", () => resolve({ status: 0, ms: performance.now() - dueAt, body: "response error" }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (error) => resolve({ status: 0, ms: performance.now() - dueAt, body: error.message }));
    req.end(event.body);
  });
}

/** Sends `events` at `rate` per second, open loop: request i is due at start + i/rate whatever the earlier ones are doing. */
async function paced(agent: Agent, url: URL, events: SignedEvent[], rate: number): Promise<Answer[]> {
  const started = performance.now();
  const answers: Promise<Answer>[] = [];
  for (let i = 0; i < events.length; i++) {
    const dueAt = started + (i * 1000) / rate;
    const wait = dueAt - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    answers.push(post(agent, url, events[i]!, dueAt));
  }
  return Promise.all(answers);
}

async function main(jobPath: string, answersPath: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobPath, "utf8")) as SenderJob;
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  await paced(agent, url, job.warmup, job.rate);
  console.log("SENDER_MEASURING");
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const answers = await paced(agent, url, job.measured, job.rate);
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  console.log("SENDER_MEASURED");
  writeFileSync(answersPath, JSON.stringify({ answers, elapsedMs, senderCpuMs: (cpu.user + cpu.system) / 1000 } satisfies SenderResult));
  agent.destroy();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [jobPath, answersPath] = process.argv.slice(2);
  if (!jobPath || !answersPath) {
    console.error("usage: node --import tsx bench/webhook-sender.ts <job.json> <answers.json>");
    process.exit(1);
  }
  await main(jobPath, answersPath);
}
