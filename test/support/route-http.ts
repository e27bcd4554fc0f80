// Route handlers behind a real HTTP server in the test's own process (its database, PGlite
// included): for clients that speak HTTP themselves, such as the MCP SDK's Streamable HTTP
// client transport. Each request becomes a real Request with its body streamed, as in Next.js.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** A route: its path pattern, whose named groups are the handlers' params, and its handlers by method. */
export interface HttpRoute {
  pattern: RegExp;
  handlers: Partial<Record<string, Handler>>;
}

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`${origin}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}

/** Serves `routes` on 127.0.0.1 (an unknown path or method answers 404); answers its origin and how to close it. */
export async function serveRoutes(routes: readonly HttpRoute[]): Promise<{ url: string; close: () => Promise<void> }> {
  let origin = "";
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", origin).pathname;
    for (const route of routes) {
      const match = route.pattern.exec(pathname);
      const handler = match && route.handlers[req.method ?? ""];
      if (!handler) continue;
      void (async () => {
        try {
          const response = await handler(toRequest(req, origin), { params: Promise.resolve({ ...match.groups }) });
          const body = Buffer.from(await response.arrayBuffer());
          res.writeHead(response.status, { ...Object.fromEntries(response.headers), "content-length": String(body.length) });
          res.end(body);
        } catch (error) {
          console.error(`route-http: ${error instanceof Error ? error.stack : String(error)}`);
          if (!res.headersSent) res.writeHead(500).end();
          else res.destroy();
        }
      })();
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"No such route."}}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
