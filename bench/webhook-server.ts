// The webhooks section's server when there is no production build: the intake route handler
// itself (app/projects/[projectId]/resources/[resourceId]/webhook/route.ts) behind a bare
// node:http server, each request turned into a real Request with its body streamed, as Next.js
// does. The job queue is started as instrumentation-node.ts does with SWITCHBOARD_WORKERS=0: it
// takes the runs' first jobs, no worker works them. Started by bench/webhooks.ts with
// `--import tsx --conditions=react-server` (as `npm run worker`); prints
// "WEBHOOK_SERVER_READY <port>" when listening.
//
// Environment: DATABASE_URL, SWITCHBOARD_ENCRYPTION_KEY.
import { createServer, type IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { POST } from "@/app/projects/[projectId]/resources/[resourceId]/webhook/route";
import { getDatabase } from "@/db/client";
import { checkVaultKey } from "@/lib/vault/check-key";
import { getWorkflowEngine, stopWorkflowEngine } from "@/lib/workflows/engine";

const ROUTE = /^\/projects\/([^/]+)\/resources\/([^/]+)\/webhook$/;

await getDatabase();
await checkVaultKey();
await getWorkflowEngine();

function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  return new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
}

const server = createServer((req, res) => {
  const match = ROUTE.exec(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
  if (!match || req.method !== "POST") {
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found"}}');
    return;
  }
  void (async () => {
    try {
      const response = await POST(toRequest(req), { params: Promise.resolve({ projectId: match[1]!, resourceId: match[2]! }) });
      const body = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, { ...Object.fromEntries(response.headers), "content-length": String(body.length) });
      res.end(body);
    } catch (error) {
      console.error(`webhook server: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  })();
});
server.keepAliveTimeout = 30_000;

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`WEBHOOK_SERVER_READY ${typeof address === "object" && address ? address.port : 0}`);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void stopWorkflowEngine({ graceful: false })
      .catch(() => undefined)
      .then(async () => (await getDatabase()).close())
      .catch(() => undefined)
      .then(() => process.exit(0));
  });
}
