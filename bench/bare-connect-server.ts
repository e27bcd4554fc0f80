// The floor for the connect benchmark: a bare node:http server doing only the essential work
// of a connect per request — verify the RS256 User Token with jose, encrypt the credentials
// (AES-256-GCM) and upsert them with postgres.js — without a framework, lookups, rate limiting
// or calls to the API. Started by bench/run.ts; prints "BARE_CONNECT_READY <port>" when listening.
//
// Environment: BARE_DATABASE_URL, BARE_PUBLIC_JWK (the project's signing key, JSON),
// BARE_ENCRYPTION_KEY (32 bytes, base64).
import { createCipheriv, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { importJWK, type JWK, jwtVerify } from "jose";
import postgres from "postgres";

const MAX_BODY_BYTES = 64 * 1024;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const sql = postgres(required("BARE_DATABASE_URL"), { max: 10, onnotice: () => {}, connect_timeout: 10 });
const publicKey = await importJWK(JSON.parse(required("BARE_PUBLIC_JWK")) as JWK, "RS256");
const encryptionKey = Buffer.from(required("BARE_ENCRYPTION_KEY"), "base64");
if (encryptionKey.length !== 32) throw new Error("BARE_ENCRYPTION_KEY must be 32 bytes in base64");

await sql`
  create table if not exists bench_bare_connections (
    user_id text primary key,
    id uuid not null,
    credentials text not null,
    updated_at timestamptz not null default now()
  )`;

function encrypt(plaintext: string, associatedData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `v1.${Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString("base64url")}`;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "POST") return send(res, 405, { error: { code: "method_not_allowed" } });
  const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  if (!token) return send(res, 401, { error: { code: "missing_user_token" } });
  let userId: string;
  try {
    const { payload } = await jwtVerify(token, publicKey, {
      algorithms: ["RS256"],
      requiredClaims: ["exp", "iat", "sub"],
      clockTolerance: 30,
    });
    userId = payload.sub!;
  } catch {
    return send(res, 401, { error: { code: "invalid_user_token" } });
  }
  const text = await readBody(req);
  if (text === undefined) return send(res, 413, { error: { code: "payload_too_large" } });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return send(res, 400, { error: { code: "invalid_json" } });
  }
  const refreshToken = (body as { refresh_token?: unknown } | null)?.refresh_token;
  if (typeof refreshToken !== "string" || !refreshToken) return send(res, 400, { error: { code: "invalid_credentials_payload" } });

  const id = randomUUID();
  const credentials = encrypt(JSON.stringify({ refresh_token: refreshToken }), `connection:${id}:credentials`);
  const [row] = await sql<{ id: string }[]>`
    insert into bench_bare_connections (user_id, id, credentials)
    values (${userId}, ${id}, ${credentials})
    on conflict (user_id) do update set id = excluded.id, credentials = excluded.credentials, updated_at = now()
    returning id`;
  send(res, 200, { id: row!.id, userId, status: "VALID" });
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    console.error(error);
    if (!res.headersSent) send(res, 500, { error: { code: "internal_error" } });
    else res.destroy();
  });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`BARE_CONNECT_READY ${typeof address === "object" && address ? address.port : 0}`);
});

const shutdown = () => {
  server.close();
  server.closeAllConnections();
  void sql.end({ timeout: 2 }).then(() => process.exit(0));
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
