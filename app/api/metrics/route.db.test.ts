import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as sendRequest } from "@/app/projects/[projectId]/sdk/resources/[resourceId]/request/route";
import { GET as getMe } from "@/app/projects/[projectId]/sdk/me/route";
import { projectWithSigningKey, signUserToken } from "@/test/support/connect-fixtures";
import { captureLogs } from "@/test/support/logs";
import { parseExposition, sampleValue, type Exposition } from "@/test/support/metrics";
import { getJobQueue, stopJobQueue } from "@/lib/jobs/queue";
import { GET as getMetrics } from "./route";

// GET /api/metrics after real requests to real route handlers (a real database): the counters
// by route pattern and status, the latency histogram, the token check; and what every route
// request gets: an X-Request-Id (the caller's only when it is safe), error.requestId, and one
// log line that names the request and none of its secrets.

const TOKEN = `metrics-${randomUUID()}`;
const ME = "/projects/[projectId]/sdk/me";
const REQUEST = "/projects/[projectId]/sdk/resources/[resourceId]/request";

let project: Awaited<ReturnType<typeof projectWithSigningKey>>;

beforeAll(async () => {
  project = await projectWithSigningKey();
});
afterAll(() => stopJobQueue());
afterEach(() => {
  vi.unstubAllEnvs();
});

const noParams = { params: Promise.resolve({}) };

async function scrape(headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  vi.stubEnv("SWITCHBOARD_METRICS_TOKEN", TOKEN);
  return getMetrics(new Request("http://switchboard.test/api/metrics", { headers }), noParams);
}

async function exposition(): Promise<Exposition> {
  const response = await scrape();
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

async function callMe(headers: Record<string, string>, projectId = project.projectId) {
  const response = await getMe(new Request(`http://switchboard.test/projects/${projectId}/sdk/me`, { headers }), {
    params: Promise.resolve({ projectId }),
  });
  const text = await response.text();
  return {
    status: response.status,
    requestId: response.headers.get("x-request-id"),
    json: text ? (JSON.parse(text) as { error?: Record<string, unknown> }) : undefined,
  };
}

const userToken = () => signUserToken(project.key.privateKeyPem, { kid: project.key.kid, claims: { sub: "metrics-user" } });

describe("GET /api/metrics", () => {
  it("counts route requests by route pattern and status, with a latency histogram and the process metrics", async () => {
    const before = await exposition();
    const bearer = { authorization: `Bearer ${await userToken()}` };
    expect((await callMe(bearer)).status).toBe(200);
    expect((await callMe(bearer)).status).toBe(200);
    expect((await callMe({})).status).toBe(401);
    expect((await callMe(bearer, randomUUID())).status).toBe(404);

    const response = await scrape();
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const after = parseExposition(await response.text());
    const delta = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);

    expect(after.types.get("switchboard_http_requests_total")).toBe("counter");
    expect(delta("switchboard_http_requests_total", { route: ME, method: "GET", status: "200" })).toBe(2);
    expect(delta("switchboard_http_requests_total", { route: ME, method: "GET", status: "401" })).toBe(1);
    expect(delta("switchboard_http_requests_total", { route: ME, method: "GET", status: "404" })).toBe(1);
    // The scrape before this one was itself counted.
    expect(delta("switchboard_http_requests_total", { route: "/api/metrics", method: "GET", status: "200" })).toBe(1);

    expect(after.types.get("switchboard_http_request_duration_seconds")).toBe("histogram");
    expect(delta("switchboard_http_request_duration_seconds_count", { route: ME, method: "GET" })).toBe(4);
    expect(delta("switchboard_http_request_duration_seconds_bucket", { route: ME, method: "GET", le: "+Inf" })).toBe(4);
    expect(sampleValue(after, "switchboard_http_request_duration_seconds_sum", { route: ME, method: "GET" })).toBeGreaterThan(0);

    // Route patterns only: no label holds an id from a URL.
    const labelValues = after.samples.flatMap((sample) => Object.values(sample.labels));
    expect(labelValues.some((value) => value.includes(project.projectId))).toBe(false);
    expect(after.samples.some((sample) => sample.name === "process_cpu_user_seconds_total")).toBe(true);
    expect(after.samples.some((sample) => sample.name === "nodejs_heap_size_used_bytes")).toBe(true);
  });

  it("answers 401 to a wrong or missing token, and 404 when SWITCHBOARD_METRICS_TOKEN is unset", async () => {
    const wrong: Record<string, string>[] = [
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: TOKEN },
      {},
    ];
    for (const headers of wrong) {
      const response = await scrape(headers);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({ code: "invalid_metrics_token", requestId: response.headers.get("x-request-id") });
      expect(JSON.stringify(body)).not.toContain("switchboard_");
    }
    vi.stubEnv("SWITCHBOARD_METRICS_TOKEN", "");
    const off = await getMetrics(
      new Request("http://switchboard.test/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }),
      noParams,
    );
    expect(off.status).toBe(404);
    expect(await off.json()).toEqual({
      error: {
        code: "metrics_disabled",
        message: "Metrics are off: set SWITCHBOARD_METRICS_TOKEN to serve them.",
        requestId: off.headers.get("x-request-id"),
      },
    });
  });

  it("reports the job queues' depth only when a queue runs in this process", async () => {
    await stopJobQueue();
    const without = await exposition();
    expect(without.samples.filter((sample) => sample.name === "switchboard_queue_jobs")).toEqual([]);

    await getJobQueue();
    const withEngine = await exposition();
    const queues = withEngine.samples.filter((sample) => sample.name === "switchboard_queue_jobs");
    // Switchboard's own queues, not pg-boss's internal ones.
    expect([...new Set(queues.map((sample) => sample.labels.queue))].sort()).toEqual([
      "connection-keep-warm",
      "notification-delivery",
      "webhook-subscription",
      "workflow-retention",
      "workflow-step",
      "workflow-step-lost",
      "workflow-tick",
    ]);
    const steps = queues.filter((sample) => sample.labels.queue === "workflow-step");
    expect(steps.map((sample) => sample.labels.state).sort()).toEqual(["active", "deferred", "failed", "queued"]);
    for (const sample of steps) expect(sample.value).toBeGreaterThanOrEqual(0);
    expect(withEngine.types.get("switchboard_queue_jobs")).toBe("gauge");
  });
});

describe("request ids", () => {
  it("answers a 4xx with error.requestId equal to the X-Request-Id header, a new id when none was sent", async () => {
    const first = await callMe({});
    const second = await callMe({});
    expect(first.status).toBe(401);
    expect(first.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(first.json?.error).toMatchObject({ code: "missing_user_token", requestId: first.requestId });
    expect(second.requestId).not.toBe(first.requestId);
  });

  it("keeps a short, plain incoming X-Request-Id and replaces a hostile one", async () => {
    const kept = await callMe({ "x-request-id": "edge-7f3a.b_2" });
    expect(kept).toMatchObject({ status: 401, requestId: "edge-7f3a.b_2", json: { error: { requestId: "edge-7f3a.b_2" } } });
    expect((await callMe({ "x-request-id": "a".repeat(64) })).requestId).toBe("a".repeat(64));

    // Header values cannot hold a raw CR or LF; these are what a caller can send.
    for (const hostile of ["a".repeat(65), "<script>alert(1)</script>", "id%0d%0aset-cookie:x", "two words", '"quoted"', "é"]) {
      const replaced = await callMe({ "x-request-id": hostile });
      expect(replaced.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(replaced.json?.error?.requestId).toBe(replaced.requestId);
    }
  });
});

describe("request logs", () => {
  it("write one line per request naming its route, status, code and id, and none of its secrets", async () => {
    const secrets = {
      cookie: `ck-${randomUUID()}`,
      query: `q-${randomUUID()}`,
      body: `bd-${randomUUID()}`,
      badToken: `hdr-${randomUUID()}`,
      userToken: await userToken(),
    };
    const resourceId = randomUUID();
    const send = (token: string, requestId: string) =>
      sendRequest(
        new Request(
          `http://switchboard.test/projects/${project.projectId}/sdk/resources/${resourceId}/request?access_token=${secrets.query}`,
          {
            method: "POST",
            headers: {
              authorization: `Bearer ${token}`,
              cookie: `session=${secrets.cookie}`,
              "content-type": "application/json",
              "x-request-id": requestId,
            },
            body: JSON.stringify({
              method: "GET",
              path: `/tasks?token=${secrets.body}`,
              headers: { "x-api-key": secrets.body },
              body: { password: secrets.body },
            }),
          },
        ),
        { params: Promise.resolve({ projectId: project.projectId, resourceId }) },
      );
    const logs = captureLogs();
    let refused: Response;
    let unknown: Response;
    try {
      // Refused at the token; and with a valid User Token, after the body was read: no such resource.
      refused = await send(secrets.badToken, "trace-logs-1");
      unknown = await send(secrets.userToken, "trace-logs-2");
    } finally {
      logs.restore();
    }
    expect([refused.status, refused.headers.get("x-request-id")]).toEqual([401, "trace-logs-1"]);
    expect([unknown.status, unknown.headers.get("x-request-id")]).toEqual([404, "trace-logs-2"]);

    const text = logs.text();
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
    expect(text).not.toContain(resourceId);
    const line = (requestId: string) => logs.entries().filter((entry) => entry.requestId === requestId);
    expect(line("trace-logs-1")).toEqual([
      expect.objectContaining({
        msg: "request",
        route: REQUEST,
        method: "POST",
        status: 401,
        code: "invalid_user_token",
        durationMs: expect.any(Number),
      }),
    ]);
    expect(line("trace-logs-2")).toEqual([
      expect.objectContaining({ msg: "request", route: REQUEST, status: 404, code: "resource_not_found" }),
    ]);
  });
});
