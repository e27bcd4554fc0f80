// One measured autocannon run (after a warm-up whose figures are discarded), summarised.
import autocannon from "autocannon";

export interface RunSummary {
  name: string;
  url: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Mean of autocannon's per-second samples. */
  requestsPerSecond: number;
  completed: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Up to three bodies of non-2xx answers, for diagnosis. */
  non2xxSamples: string[];
  /** Answers received, warm-up included. */
  completedWithWarmup: number;
  /** Requests prepared, warm-up included (counted by the caller's setupRequest, when it has one). */
  preparedWithWarmup?: number;
  /** Calls TaskLab's token endpoint had during the run, warm-up included. */
  tasklabTokenRequests?: number;
  /** CPU time the target server's processes used per answer, warm-up included (Linux only). */
  serverCpuMsPerRequest?: number;
  /** The machine's 1-minute load average just before the run. */
  loadAverageBefore?: number;
}

export interface LoadOptions {
  name: string;
  url: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Per-request changes (called before every request, warm-up included). */
  setupRequest?: autocannon.Request["setupRequest"];
  /** Called with every answer, warm-up included. */
  onResponse?: (status: number, body: string) => void;
}

const MAX_SAMPLES = 3;

export async function measure(options: LoadOptions): Promise<RunSummary> {
  const samples: string[] = [];
  let measuring = false;
  // autocannon treats a key given as undefined as set: leave absent ones out.
  const request: autocannon.Request = {
    method: options.method ?? "GET",
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.setupRequest ? { setupRequest: options.setupRequest } : {}),
    onResponse: (status, body) => {
      if (measuring && (status < 200 || status > 299) && samples.length < MAX_SAMPLES) samples.push(`${status} ${body.slice(0, 300)}`);
      options.onResponse?.(status, body);
    },
  };
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    requests: [request],
    warmup: { connections: options.connections, duration: options.warmupSeconds },
  });
  // The warm-up runs first; the measured run's clients start after it.
  const warmupTimer = setTimeout(() => (measuring = true), options.warmupSeconds * 1000);
  let result: autocannon.Result;
  try {
    result = await instance;
  } finally {
    clearTimeout(warmupTimer);
  }
  return {
    name: options.name,
    url: options.url,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    requestsPerSecond: round(result.requests.average),
    completed: result.requests.total,
    completedWithWarmup: result.requests.total + (result.warmup?.requests.total ?? 0),
    latencyP50Ms: round(result.latency.p50),
    latencyP99Ms: round(result.latency.p99),
    latencyMeanMs: round(result.latency.average),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count])),
    non2xxSamples: samples,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
