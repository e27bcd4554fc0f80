import http from "node:http";
import net from "node:net";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AddressClass } from "./address-policy";
import { OutboundError, sendRequest, type OutboundErrorCode, type OutboundPolicy, type OutboundRequest } from "./client";

// Real servers on 127.0.0.1, the real client. This machine may only send traffic to loopback:
// the guard below fails any test whose code tries to open a connection anywhere else, and
// records every attempt so that "refused before connecting" can be asserted.

type Lookup = NonNullable<NonNullable<Parameters<typeof sendRequest>[2]>["lookup"]>;

const connectAttempts: string[] = [];
const originalConnect = net.Socket.prototype.connect;

function connectTarget(args: unknown[]): string {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === "number" || typeof first === "string") {
    return typeof args[1] === "string" ? args[1] : typeof first === "string" ? `unix:${first}` : "localhost";
  }
  const options = (first ?? {}) as { host?: string; path?: string };
  if (options.path) return `unix:${options.path}`;
  return options.host ?? "localhost";
}

function isLoopbackTarget(host: string): boolean {
  return host.startsWith("unix:") || host === "localhost" || host === "::1" || (net.isIPv4(host) && host.startsWith("127."));
}

beforeAll(() => {
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const host = connectTarget(args);
    connectAttempts.push(host);
    if (!isLoopbackTarget(host)) throw new Error(`Test guard: refusing to connect to ${host}, which is not loopback`);
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof originalConnect;
});

afterAll(() => {
  net.Socket.prototype.connect = originalConnect;
});

// --- Test servers --------------------------------------------------------------------------

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  origin: string;
  port: number;
  requests: Recorded[];
  connections: () => number;
  close: () => Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, server: TestServer) => void;

const openServers: Array<{ close: () => Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(openServers.splice(0).map((server) => server.close()));
});

async function startServer(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      handler(req, res, testServer);
    });
  });
  server.on("connection", () => (connections += 1));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const testServer: TestServer = {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  openServers.push(testServer);
  return testServer;
}

/** A TCP server that accepts connections and never says anything. */
async function startSilentServer(): Promise<{ port: number; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    sockets.push(socket);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  openServers.push({
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
  return { port: (server.address() as AddressInfo).port, sockets };
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function redirectTo(location: string, status = 302): Handler {
  return (_req, res) => {
    res.writeHead(status, { location });
    res.end("moved");
  };
}

const ok: Handler = (_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("ok");
};

// --- Helpers -------------------------------------------------------------------------------

const LOCAL: OutboundPolicy = { allowPrivateNetwork: true };
const PUBLIC_ONLY: OutboundPolicy = { allowPrivateNetwork: false };

async function failure(promise: Promise<unknown>): Promise<OutboundError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundError);
    return error as OutboundError;
  }
  throw new Error("expected the request to fail");
}

function get(url: string, extra: Partial<OutboundRequest> = {}): OutboundRequest {
  return { method: "GET", url, ...extra };
}

function lookupFrom(answers: Record<string, string[]>, calls: string[] = []): Lookup {
  return async (hostname) => {
    calls.push(hostname);
    const addresses = answers[hostname];
    if (!addresses) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", hostname });
    }
    return addresses.map((address) => ({ address, family: net.isIPv6(address) ? (6 as const) : (4 as const) }));
  };
}

const PRIVATE_HINT =
  "Private networks are off for this project; a project owner can allow them in Settings, " +
  "or the server can set SWITCHBOARD_ALLOW_PRIVATE_NETWORK=true.";

// --- Tests ---------------------------------------------------------------------------------

describe("sendRequest: URLs", () => {
  it.each([
    ["file:///etc/passwd", "file:"],
    ["gopher://127.0.0.1:70/_SET%20x", "gopher:"],
    ["data:text/plain,hello", "data:"],
    ["ftp://127.0.0.1/", "ftp:"],
    ["javascript:alert(1)", "javascript:"],
    ["ws://127.0.0.1/", "ws:"],
  ])("refuses %s as unsupported_scheme", async (url, scheme) => {
    const error = await failure(sendRequest(get(url), LOCAL));
    expect(error.code).toBe("unsupported_scheme");
    expect(error.message).toBe(`Only http:// and https:// URLs are allowed, not "${scheme}".`);
    expect(error.name).toBe("OutboundError");
  });

  it.each(["not a url", "/relative/path", "http://", "http://[::1/"])("refuses %j as invalid_url", async (url) => {
    const error = await failure(sendRequest(get(url), LOCAL));
    expect(error.code).toBe("invalid_url");
  });

  it("refuses URLs with a user name or password without repeating them", async () => {
    const server = await startServer(ok);
    const error = await failure(sendRequest(get(`http://admin:hunter2@127.0.0.1:${server.port}/`), LOCAL));
    expect(error.code).toBe("invalid_url");
    expect(error.message).not.toContain("hunter2");
    expect(error.url).not.toContain("hunter2");
    expect(server.requests).toHaveLength(0);
  });

  it("accepts a URL object", async () => {
    const server = await startServer(ok);
    const response = await sendRequest(get(`${server.origin}/x`), LOCAL);
    const again = await sendRequest({ method: "GET", url: new URL(`${server.origin}/x`) }, LOCAL);
    expect([response.status, again.status]).toEqual([200, 200]);
  });
});

describe("sendRequest: addresses", () => {
  // Each loopback form points at a live server, so a missed check would show up as a request.
  const LOOPBACK_FORMS = [
    "http://127.0.0.1:PORT/",
    "http://127.1:PORT/",
    "http://0x7f.1:PORT/",
    "http://0177.0.0.1:PORT/",
    "http://2130706433:PORT/",
    "http://127.0.0.1.:PORT/",
    "http://[::1]:PORT/",
    "http://[::ffff:7f00:1]:PORT/",
    "http://[::ffff:127.0.0.1]:PORT/",
    "http://[2002:7f00:1::]:PORT/",
    "http://[64:ff9b::7f00:1]:PORT/",
  ];

  it.each(LOOPBACK_FORMS)("refuses %s as loopback when private networks are off", async (template) => {
    const server = await startServer(ok);
    const attemptsBefore = connectAttempts.length;
    const error = await failure(sendRequest(get(template.replace("PORT", String(server.port))), PUBLIC_ONLY));
    expect(error.code).toBe("blocked_address");
    expect(error.addressClass).toBe("loopback");
    expect(error.message).toContain("is a loopback address");
    expect(error.message).toContain(PRIVATE_HINT);
    expect(server.requests).toHaveLength(0);
    expect(connectAttempts.length).toBe(attemptsBefore);
  });

  it("names the address and what to do", async () => {
    const error = await failure(sendRequest(get("http://127.1:8080/"), PUBLIC_ONLY));
    expect(error.message).toBe(`Blocked: 127.0.0.1 is a loopback address. ${PRIVATE_HINT}`);
    expect(error.url).toBe("http://127.0.0.1:8080/");
  });

  it("reaches the same loopback server when private networks are allowed", async () => {
    const server = await startServer(ok);
    for (const template of ["http://127.0.0.1:PORT/a", "http://127.1:PORT/b", "http://2130706433:PORT/c"]) {
      const response = await sendRequest(get(template.replace("PORT", String(server.port))), LOCAL);
      expect(response.status).toBe(200);
    }
    expect(server.requests.map((request) => request.url)).toEqual(["/a", "/b", "/c"]);
  });

  const BLOCKED: ReadonlyArray<readonly [url: string, addressClass: AddressClass, allowPrivateNetwork: boolean]> = [
    ["http://10.0.0.1/", "private", false],
    ["http://100.64.0.1/", "private", false],
    ["http://192.168.1.1/", "private", false],
    ["http://[64:ff9b::a00:1]/", "private", false],
    ["http://[fd12::1]/", "unique-local", false],
    // Always blocked, even with private networks allowed
    ["http://169.254.169.254/latest/meta-data/", "metadata", true],
    ["http://[::ffff:169.254.169.254]/", "metadata", true],
    ["http://[::ffff:a9fe:a9fe]/", "metadata", true],
    ["http://[64:ff9b::a9fe:a9fe]/", "metadata", true],
    ["http://[2002:a9fe:a9fe::]/", "metadata", true],
    ["http://0xa9fea9fe/", "metadata", true],
    ["http://[fd00:ec2::254]/", "metadata", true],
    ["http://100.100.100.200/", "metadata", true],
    ["http://169.254.1.1/", "link-local", true],
    ["http://[fe80::1]/", "link-local", true],
    ["http://0.0.0.0/", "unspecified", true],
    ["http://0/", "unspecified", true],
    ["http://[::]/", "unspecified", true],
    ["http://224.0.0.1/", "multicast", true],
    ["http://[ff02::1]/", "multicast", true],
    ["http://255.255.255.255/", "broadcast", true],
    ["http://240.0.0.1/", "reserved", true],
    ["https://192.0.2.10/", "reserved", true],
  ];

  it.each(BLOCKED)("refuses %s as %s (private networks allowed: %s)", async (url, addressClass, allowPrivateNetwork) => {
    const attemptsBefore = connectAttempts.length;
    const error = await failure(sendRequest(get(url), { allowPrivateNetwork }));
    expect(error.code).toBe("blocked_address");
    expect(error.addressClass).toBe(addressClass);
    expect(connectAttempts.length).toBe(attemptsBefore);
  });

  it("says metadata is never called, and which IPv4 address an IPv6 one stands for", async () => {
    const direct = await failure(sendRequest(get("http://169.254.169.254/"), LOCAL));
    expect(direct.message).toBe("Blocked: 169.254.169.254 is a cloud metadata address, which Switchboard never calls.");
    const mapped = await failure(sendRequest(get("http://[::ffff:169.254.169.254]/"), LOCAL));
    expect(mapped.message).toBe(
      "Blocked: ::ffff:a9fe:a9fe is a cloud metadata address (it stands for 169.254.169.254), which Switchboard never calls.",
    );
  });
});

describe("sendRequest: host names", () => {
  it("refuses a name that resolves to loopback, naming both", async () => {
    const server = await startServer(ok);
    const calls: string[] = [];
    const attemptsBefore = connectAttempts.length;
    const error = await failure(
      sendRequest(get(`http://api.test:${server.port}/`), PUBLIC_ONLY, {
        lookup: lookupFrom({ "api.test": ["127.0.0.1"] }, calls),
      }),
    );
    expect(error.code).toBe("blocked_address");
    expect(error.addressClass).toBe("loopback");
    expect(error.message).toBe(`Blocked: api.test resolves to 127.0.0.1, a loopback address. ${PRIVATE_HINT}`);
    expect(error.url).toBe(`http://api.test:${server.port}/`);
    expect(calls).toEqual(["api.test"]);
    expect(server.requests).toHaveLength(0);
    expect(connectAttempts.length).toBe(attemptsBefore);
  });

  it("connects to the checked address of an allowed name, sending the name as Host", async () => {
    const server = await startServer(ok);
    const response = await sendRequest(get(`http://api.test:${server.port}/hello`), LOCAL, {
      lookup: lookupFrom({ "api.test": ["127.0.0.1"] }),
    });
    expect(response.status).toBe(200);
    expect(response.url).toBe(`http://api.test:${server.port}/hello`);
    expect(server.requests[0]?.headers.host).toBe(`api.test:${server.port}`);
  });

  it("refuses a name that answers public first and loopback second, before connecting", async () => {
    const attemptsBefore = connectAttempts.length;
    const error = await failure(
      sendRequest(get("http://rebind.test/"), PUBLIC_ONLY, {
        lookup: lookupFrom({ "rebind.test": ["8.8.8.8", "127.0.0.1"] }),
      }),
    );
    expect(error.code).toBe("blocked_address");
    expect(error.addressClass).toBe("loopback");
    expect(error.message).toContain("rebind.test resolves to 127.0.0.1");
    expect(connectAttempts.length).toBe(attemptsBefore);
  });

  it.each([
    [["127.0.0.1", "169.254.169.254"], "metadata"],
    [["::ffff:a9fe:a9fe"], "metadata"],
    [["fd00:ec2::254"], "metadata"],
    [["0.0.0.0"], "unspecified"],
    [["fe80::1%eth0"], "link-local"],
  ] as const)("refuses a name resolving to %j (%s) even with private networks allowed", async (addresses, addressClass) => {
    const attemptsBefore = connectAttempts.length;
    const error = await failure(
      sendRequest(get("http://internal.test/"), LOCAL, { lookup: lookupFrom({ "internal.test": [...addresses] }) }),
    );
    expect(error.code).toBe("blocked_address");
    expect(error.addressClass).toBe(addressClass);
    expect(connectAttempts.length).toBe(attemptsBefore);
  });

  it("refuses a name resolving to a mapped loopback address when private networks are off", async () => {
    const error = await failure(
      sendRequest(get("http://mapped.test/"), PUBLIC_ONLY, { lookup: lookupFrom({ "mapped.test": ["::ffff:127.0.0.1"] }) }),
    );
    expect(error.addressClass).toBe("loopback");
  });

  it("tries the next checked address when one refuses the connection", async () => {
    const server = await startServer(ok);
    // The server listens on 127.0.0.1 only, so 127.0.0.2 refuses.
    const response = await sendRequest(get(`http://two.test:${server.port}/`), LOCAL, {
      lookup: lookupFrom({ "two.test": ["127.0.0.2", "127.0.0.1"] }),
    });
    expect(response.status).toBe(200);
    expect(connectAttempts).toContain("127.0.0.2");
  });

  it("resolves with the system resolver by default (localhost, from /etc/hosts)", async () => {
    const server = await startServer(ok);
    const error = await failure(sendRequest(get(`http://localhost:${server.port}/`), PUBLIC_ONLY));
    expect(error.code).toBe("blocked_address");
    expect(error.addressClass).toBe("loopback");
    expect(error.message).toMatch(/^Blocked: localhost resolves to (127\.0\.0\.1|::1), a loopback address\./);
    expect(server.requests).toHaveLength(0);
    const response = await sendRequest(get(`http://localhost:${server.port}/`), LOCAL);
    expect(response.status).toBe(200);
  });

  it("reports a name that does not resolve", async () => {
    // An injected lookup answering as getaddrinfo does: the DNS server is not on loopback.
    const error = await failure(sendRequest(get("http://nonexistent.invalid/"), PUBLIC_ONLY, { lookup: lookupFrom({}) }));
    expect(error.code).toBe("dns");
    expect(error.message).toBe("Could not resolve nonexistent.invalid.");
    expect(error.url).toBe("http://nonexistent.invalid/");
  });

  it("reports a DNS server that does not answer, and a name without addresses", async () => {
    const temporary = await failure(
      sendRequest(get("http://flaky.test/"), PUBLIC_ONLY, {
        lookup: async () => {
          throw Object.assign(new Error("getaddrinfo EAI_AGAIN flaky.test"), { code: "EAI_AGAIN" });
        },
      }),
    );
    expect(temporary.code).toBe("dns");
    expect(temporary.message).toContain("did not answer");
    const empty = await failure(sendRequest(get("http://empty.test/"), PUBLIC_ONLY, { lookup: async () => [] }));
    expect(empty.code).toBe("dns");
  });
});

describe("sendRequest: connection failures", () => {
  it("reports a refused connection", async () => {
    const port = await closedPort();
    const error = await failure(sendRequest(get(`http://127.0.0.1:${port}/`), LOCAL));
    expect(error.code).toBe("connect");
    expect(error.message).toBe(
      `Could not connect to 127.0.0.1:${port}: connection refused. Check the host and port, and that the server is running.`,
    );
  });

  it("reports a TLS failure (https:// to a plain HTTP port)", async () => {
    const server = await startServer(ok);
    const error = await failure(sendRequest(get(`https://127.0.0.1:${server.port}/`), LOCAL));
    expect(error.code).toBe("tls");
    expect(error.message).toMatch(/^Could not connect securely to 127\.0\.0\.1:\d+: /);
  });

  it("reports a connect timeout, saying it was the TLS handshake", async () => {
    const silent = await startSilentServer();
    const started = Date.now();
    const error = await failure(
      sendRequest(get(`https://127.0.0.1:${silent.port}/`), { allowPrivateNetwork: true, connectTimeoutMs: 200, timeoutMs: 5_000 }),
    );
    expect(error.code).toBe("connect");
    expect(error.message).toContain("TLS handshake");
    expect(error.message).toContain("200 ms (connect timeout)");
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe("sendRequest: timeouts", () => {
  it("gives up on an upstream that never answers", async () => {
    const server = await startServer(() => {
      // Accepts the request and never answers.
    });
    const started = Date.now();
    const error = await failure(
      sendRequest(
        get(`${server.origin}/slow?api_key=sk-query-secret`, {
          headers: { Authorization: "Bearer sk-header-secret" },
          sensitiveQueryParams: ["api_key"],
        }),
        { allowPrivateNetwork: true, timeoutMs: 300 },
      ),
    );
    const elapsed = Date.now() - started;
    expect(error.code).toBe("timeout");
    expect(error.message).toBe(`No response from 127.0.0.1:${server.port} within 300 ms. Check that the API is up, or allow it more time.`);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);
    expect(error.url).toBe(`${server.origin}/slow?api_key=REDACTED`);
    expect(`${error.message} ${error.url}`).not.toMatch(/sk-(header|query)-secret/);
  });

  it("counts reading the body in the total time", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("partial");
    });
    const error = await failure(sendRequest(get(server.origin), { allowPrivateNetwork: true, timeoutMs: 300 }));
    expect(error.code).toBe("timeout");
    expect(error.message).toBe(`Reading the response from 127.0.0.1:${server.port} took longer than 300 ms.`);
  });

  it("counts every redirect in the total time", async () => {
    const server = await startServer((req, res) => {
      if (req.url === "/start") redirectTo("/stall")(req, res, server);
    });
    const error = await failure(sendRequest(get(`${server.origin}/start`), { allowPrivateNetwork: true, timeoutMs: 300 }));
    expect(error.code).toBe("timeout");
    expect(server.requests.map((request) => request.url)).toEqual(["/start", "/stall"]);
  });
});

describe("sendRequest: responses", () => {
  it("returns status, lower-case joined headers, the UTF-8 body and timing", async () => {
    const server = await startServer((_req, res) => {
      res.statusCode = 201;
      res.statusMessage = "Created";
      res.setHeader("X-Multi", ["a", "b"]);
      res.setHeader("Set-Cookie", ["one=1", "two=2"]);
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end("héllo ✓");
    });
    const response = await sendRequest(get(`${server.origin}/shape?q=1`), LOCAL);
    expect(response).toMatchObject({
      status: 201,
      statusText: "Created",
      body: "héllo ✓",
      truncated: false,
      url: `${server.origin}/shape?q=1`,
      redirects: [],
    });
    expect(response.headers["x-multi"]).toBe("a, b");
    expect(response.headers["set-cookie"]).toBe("one=1, two=2");
    expect(response.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(Object.keys(response.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(response.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("stops reading a 5 MB body at 1 MB and closes the connection", async () => {
    let serverFinished = false;
    let resolveClosed = () => {};
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.on("close", resolveClosed);
      const chunk = Buffer.alloc(64 * 1024, "a");
      let written = 0;
      const pump = () => {
        while (written < 5 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        // Held back, so that a client waiting for the whole body would take seconds.
        setTimeout(() => res.end(() => (serverFinished = true)), 3_000).unref();
      };
      pump();
    });

    const started = Date.now();
    const response = await sendRequest(get(server.origin), LOCAL);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(response.truncated).toBe(true);
    expect(response.body.length).toBe(1_000_000);
    expect(Buffer.byteLength(response.body)).toBeLessThanOrEqual(1_000_000);
    await closed;
    expect(serverFinished).toBe(false);
  });

  it.each([
    ["exactly the limit", "0123456789", 10, "0123456789", false],
    ["one byte over", "0123456789X", 10, "0123456789", true],
    ["a character cut at the limit", "aé", 2, "a", true],
    ["an empty body", "", 10, "", false],
  ])("handles %s", async (_name, content, maxResponseBytes, body, truncated) => {
    const server = await startServer((_req, res) => res.end(content));
    const response = await sendRequest(get(server.origin), { allowPrivateNetwork: true, maxResponseBytes });
    expect(response.body).toBe(body);
    expect(response.truncated).toBe(truncated);
  });

  it("reuses connections (keep-alive)", async () => {
    const server = await startServer(ok);
    await sendRequest(get(`${server.origin}/1`), LOCAL);
    // undici puts the connection back in its pool just after the body ends.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sendRequest(get(`${server.origin}/2`), LOCAL);
    expect(server.requests).toHaveLength(2);
    expect(server.connections()).toBe(1);
  });
});

describe("sendRequest: request parts", () => {
  it("sends the method, headers and a form body", async () => {
    const server = await startServer(ok);
    await sendRequest(
      { method: "post", url: `${server.origin}/form`, headers: { "X-Custom": "yes" }, body: new URLSearchParams({ a: "1", b: "2 3" }) },
      LOCAL,
    );
    expect(server.requests[0]).toMatchObject({ method: "POST", url: "/form", body: "a=1&b=2+3" });
    expect(server.requests[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded;charset=UTF-8");
    expect(server.requests[0]?.headers["x-custom"]).toBe("yes");
  });

  it("does not let configured headers set Host or the framing", async () => {
    const server = await startServer(ok);
    await sendRequest(
      {
        method: "POST",
        url: server.origin,
        body: "12345",
        headers: { Host: "evil.test", "Content-Length": "1", "Transfer-Encoding": "chunked", Connection: "upgrade" },
      },
      LOCAL,
    );
    expect(server.requests[0]?.headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(server.requests[0]?.body).toBe("12345");
    expect(server.requests[0]?.headers["transfer-encoding"]).toBeUndefined();
  });

  it("refuses a header value with a line break without quoting it", async () => {
    const server = await startServer(ok);
    const error = await failure(sendRequest(get(server.origin, { headers: { "X-Api-Key": "sk-secret\r\nX-Injected: 1" } }), LOCAL));
    expect(error.code).toBe("network");
    expect(error.message).toContain('"X-Api-Key"');
    expect(error.message).not.toContain("sk-secret");
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an invalid method or header name", async () => {
    expect((await failure(sendRequest({ method: "GE T", url: "http://127.0.0.1/" }, LOCAL))).code).toBe("network");
    expect((await failure(sendRequest({ method: "CONNECT", url: "http://127.0.0.1/" }, LOCAL))).code).toBe("network");
    expect((await failure(sendRequest(get("http://127.0.0.1/", { headers: { "Bad Name": "x" } }), LOCAL))).code).toBe("network");
  });
});

describe("sendRequest: redirects", () => {
  const CREDENTIALS = {
    Authorization: "Bearer sk-auth",
    "Proxy-Authorization": "Basic cHJveHk=",
    Cookie: "session=abc",
    "x-API-key": "sk-api-key",
    "X-Trace": "trace-1",
  };

  it("drops credentials on a redirect to another origin", async () => {
    const target = await startServer(ok);
    const start = await startServer(redirectTo(`${target.origin}/landing?api_key=sk-query&page=2&API_KEY=again`));
    const response = await sendRequest(
      get(`${start.origin}/start?api_key=sk-query`, {
        headers: CREDENTIALS,
        sensitiveHeaders: ["X-Api-Key"],
        sensitiveQueryParams: ["api_key"],
      }),
      LOCAL,
    );
    expect(response.status).toBe(200);
    expect(response.redirects).toEqual([`${target.origin}/landing?page=2`]);
    expect(response.url).toBe(`${target.origin}/landing?page=2`);
    const landed = target.requests[0];
    expect(landed?.url).toBe("/landing?page=2");
    expect(landed?.headers.authorization).toBeUndefined();
    expect(landed?.headers["proxy-authorization"]).toBeUndefined();
    expect(landed?.headers.cookie).toBeUndefined();
    expect(landed?.headers["x-api-key"]).toBeUndefined();
    expect(landed?.headers["x-trace"]).toBe("trace-1");
    // The first hop had them all.
    expect(start.requests[0]?.headers["x-api-key"]).toBe("sk-api-key");
    expect(start.requests[0]?.url).toBe("/start?api_key=sk-query");
  });

  it("does not bring credentials back after leaving the origin", async () => {
    const first = await startServer((req, res, self) => {
      if (req.url === "/start") redirectTo(`${second.origin}/bounce`)(req, res, self);
      else ok(req, res, self);
    });
    const second = await startServer(redirectTo(`${first.origin}/back`));
    await sendRequest(get(`${first.origin}/start`, { headers: CREDENTIALS, sensitiveHeaders: ["x-api-key"] }), LOCAL);
    expect(first.requests[1]?.url).toBe("/back");
    expect(first.requests[1]?.headers.authorization).toBeUndefined();
    expect(first.requests[1]?.headers["x-api-key"]).toBeUndefined();
  });

  it("keeps credentials on a same-origin redirect", async () => {
    const server = await startServer((req, res, self) => {
      if (req.url?.startsWith("/start")) redirectTo("/next?api_key=sk-query")(req, res, self);
      else ok(req, res, self);
    });
    const response = await sendRequest(
      get(`${server.origin}/start?api_key=sk-query`, {
        headers: CREDENTIALS,
        sensitiveHeaders: ["x-api-key"],
        sensitiveQueryParams: ["api_key"],
      }),
      LOCAL,
    );
    expect(response.redirects).toEqual([`${server.origin}/next?api_key=sk-query`]);
    const next = server.requests[1];
    expect(next?.url).toBe("/next?api_key=sk-query");
    expect(next?.headers.authorization).toBe("Bearer sk-auth");
    expect(next?.headers.cookie).toBe("session=abc");
    expect(next?.headers["x-api-key"]).toBe("sk-api-key");
  });

  it("treats another port of the same host as another origin", async () => {
    const target = await startServer(ok);
    const start = await startServer(redirectTo(`http://127.0.0.1:${target.port}/`));
    await sendRequest(get(start.origin, { headers: { Authorization: "Bearer sk-auth" } }), LOCAL);
    expect(target.requests[0]?.headers.authorization).toBeUndefined();
  });

  it.each([
    [301, "POST", "GET", false],
    [302, "POST", "GET", false],
    [302, "DELETE", "GET", false],
    [303, "POST", "GET", false],
    [303, "PUT", "GET", false],
    [303, "HEAD", "HEAD", false],
    [302, "GET", "GET", false],
    [307, "POST", "POST", true],
    [308, "PUT", "PUT", true],
    [307, "PATCH", "PATCH", true],
  ] as const)("%i turns %s into %s (body kept: %s)", async (status, method, expectedMethod, bodyKept) => {
    const server = await startServer((req, res, self) => {
      if (req.url === "/from") redirectTo("/to", status)(req, res, self);
      else ok(req, res, self);
    });
    const hasBody = method !== "GET" && method !== "HEAD";
    const response = await sendRequest(
      {
        method,
        url: `${server.origin}/from`,
        ...(hasBody ? { body: '{"name":"x"}', headers: { "Content-Type": "application/json" } } : {}),
      },
      LOCAL,
    );
    expect(response.status).toBe(200);
    const second = server.requests[1];
    expect(second?.url).toBe("/to");
    expect(second?.method).toBe(expectedMethod);
    if (bodyKept) {
      expect(second?.body).toBe('{"name":"x"}');
      expect(second?.headers["content-type"]).toBe("application/json");
    } else {
      expect(second?.body).toBe("");
      expect(second?.headers["content-type"]).toBeUndefined();
      expect(second?.headers["content-length"]).toBeUndefined();
    }
  });

  it("returns a redirect without a Location as it is", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(302);
      res.end("nowhere");
    });
    const response = await sendRequest(get(server.origin), LOCAL);
    expect(response).toMatchObject({ status: 302, body: "nowhere", redirects: [] });
  });

  it("resolves a relative Location", async () => {
    const server = await startServer((req, res, self) => {
      if (req.url === "/a/b") redirectTo("../c?x=1")(req, res, self);
      else ok(req, res, self);
    });
    const response = await sendRequest(get(`${server.origin}/a/b`), LOCAL);
    expect(response.url).toBe(`${server.origin}/c?x=1`);
  });

  it.each([
    [3, 4],
    [0, 1],
    [undefined, 6],
  ])("stops after maxRedirects = %s (%i requests)", async (maxRedirects, requests) => {
    const server = await startServer(redirectTo("/loop"));
    const error = await failure(
      sendRequest(get(`${server.origin}/loop`), { allowPrivateNetwork: true, ...(maxRedirects === undefined ? {} : { maxRedirects }) }),
    );
    expect(error.code).toBe("too_many_redirects");
    expect(server.requests).toHaveLength(requests);
  });

  it("follows exactly maxRedirects redirects", async () => {
    const server = await startServer((req, res, self) => {
      const n = Number(req.url?.slice(1));
      if (n < 2) redirectTo(`/${n + 1}`)(req, res, self);
      else ok(req, res, self);
    });
    const response = await sendRequest(get(`${server.origin}/0`), { allowPrivateNetwork: true, maxRedirects: 2 });
    expect(response.status).toBe(200);
    expect(response.redirects).toEqual([`${server.origin}/1`, `${server.origin}/2`]);
  });

  const BLOCKED_TARGETS: ReadonlyArray<readonly [location: string, code: OutboundErrorCode, addressClass: AddressClass | undefined]> = [
    ["http://169.254.169.254/latest/meta-data/iam/security-credentials/", "blocked_address", "metadata"],
    ["http://[::ffff:a9fe:a9fe]/", "blocked_address", "metadata"],
    ["http://[fd00:ec2::254]/latest/api/token", "blocked_address", "metadata"],
    ["http://100.100.100.200/latest/meta-data/", "blocked_address", "metadata"],
    ["http://0.0.0.0:PORT/", "blocked_address", "unspecified"],
    ["http://[::]:PORT/", "blocked_address", "unspecified"],
    ["http://169.254.1.1/", "blocked_address", "link-local"],
    ["file:///etc/passwd", "unsupported_scheme", undefined],
    ["gopher://127.0.0.1:6379/_FLUSHALL", "unsupported_scheme", undefined],
    ["data:text/plain,hello", "unsupported_scheme", undefined],
    ["ftp://127.0.0.1/", "unsupported_scheme", undefined],
    ["http://admin:secret@127.0.0.1:PORT/", "invalid_url", undefined],
    ["http://[::1", "invalid_url", undefined],
  ];

  it.each(BLOCKED_TARGETS)("checks the redirect to %s again (%s)", async (location, code, addressClass) => {
    const server = await startServer((req, res, self) => redirectTo(location.replace("PORT", String(self.port)))(req, res, self));
    const attemptsBefore = connectAttempts.length;
    const error = await failure(sendRequest(get(`${server.origin}/start`), LOCAL));
    expect(error.code).toBe(code);
    expect(error.addressClass).toBe(addressClass);
    expect(server.requests).toHaveLength(1);
    // At most the one connection to the first server.
    expect(connectAttempts.slice(attemptsBefore).every(isLoopbackTarget)).toBe(true);
    if (code === "unsupported_scheme") {
      const scheme = location.slice(0, location.indexOf(":") + 1);
      expect(error.message).toBe(
        `127.0.0.1:${server.port} redirected to a "${scheme}" URL. Only http:// and https:// URLs are allowed, not "${scheme}".`,
      );
    }
  });

  it("checks the addresses of a name a redirect leads to", async () => {
    const server = await startServer(redirectTo("http://metadata.google.internal/computeMetadata/v1/"));
    const calls: string[] = [];
    const error = await failure(
      sendRequest(get(`${server.origin}/start`), LOCAL, {
        lookup: lookupFrom({ "metadata.google.internal": ["169.254.169.254"] }, calls),
      }),
    );
    expect(error.code).toBe("blocked_address");
    expect(error.addressClass).toBe("metadata");
    expect(error.message).toBe(
      "Blocked: metadata.google.internal resolves to 169.254.169.254, a cloud metadata address, which Switchboard never calls.",
    );
    expect(calls).toEqual(["metadata.google.internal"]);
  });
});
