// The Connect API's route handlers, the Request trigger's runs route and the webhook intake behind a bare node:http server, each
// request turned into a real Request with its body streamed, as Next.js does: a second app
// process on one database for the tests that need two (caches kept per process), and the
// webhooks benchmark's target when there is no production build. The job queue is started as
// instrumentation-node.ts does with SWITCHBOARD_WORKERS=0: it takes the runs' first jobs, no
// worker works them. Started with `node --import tsx --conditions=react-server` (see
// test/support/worker-process.ts `startAppProcess`); prints "ROUTE_SERVER_READY <port>" when
// listening.
//
// Environment: DATABASE_URL, SWITCHBOARD_ENCRYPTION_KEY.
import { createServer, type IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import * as webhook from "@/app/projects/[projectId]/resources/[resourceId]/webhook/route";
import * as connect from "@/app/projects/[projectId]/sdk/resources/[resourceId]/connect/route";
import * as request from "@/app/projects/[projectId]/sdk/resources/[resourceId]/request/route";
import * as runs from "@/app/projects/[projectId]/sdk/workflows/[workflowId]/runs/route";
import { getDatabase } from "@/db/client";
import { checkVaultKey } from "@/lib/vault/check-key";
import { getJobQueue, stopJobQueue } from "@/lib/jobs/queue";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
// Each pattern's groups are the projectId and the path's second id, named by `param` (the handlers take their own params: cast).
const ROUTES: Array<{ pattern: RegExp; param: string; handlers: Partial<Record<string, Handler>> }> = [
  {
    pattern: /^\/projects\/([^/]+)\/resources\/([^/]+)\/webhook$/,
    param: "resourceId",
    handlers: webhook as unknown as Partial<Record<string, Handler>>,
  },
  {
    pattern: /^\/projects\/([^/]+)\/sdk\/resources\/([^/]+)\/connect$/,
    param: "resourceId",
    handlers: connect as unknown as Partial<Record<string, Handler>>,
  },
  {
    pattern: /^\/projects\/([^/]+)\/sdk\/resources\/([^/]+)\/request$/,
    param: "resourceId",
    handlers: request as unknown as Partial<Record<string, Handler>>,
  },
  {
    pattern: /^\/projects\/([^/]+)\/sdk\/workflows\/([^/]+)\/runs$/,
    param: "workflowId",
    handlers: runs as unknown as Partial<Record<string, Handler>>,
  },
];

await getDatabase();
await checkVaultKey();
await getJobQueue();

function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}

const server = createServer((req, res) => {
  const pathname = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
  let match: RegExpExecArray | null = null;
  const route = ROUTES.find((candidate) => (match = candidate.pattern.exec(pathname)));
  const handler = route?.handlers[req.method ?? ""];
  if (!route || !handler || !match) {
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"No such route."}}');
    return;
  }
  const [, projectId, id] = match as RegExpExecArray;
  void (async () => {
    try {
      const response = await handler(toRequest(req), { params: Promise.resolve({ projectId: projectId!, [route.param]: id! }) });
      const body = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, { ...Object.fromEntries(response.headers), "content-length": String(body.length) });
      res.end(body);
    } catch (error) {
      console.error(`route server: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  })();
});
server.keepAliveTimeout = 30_000;

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`ROUTE_SERVER_READY ${typeof address === "object" && address ? address.port : 0}`);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void stopJobQueue({ graceful: false })
      .catch(() => undefined)
      .then(async () => (await getDatabase()).close())
      .catch(() => undefined)
      .then(() => process.exit(0));
  });
}
