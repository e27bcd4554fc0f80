import dns from "node:dns";
import net from "node:net";
import { Agent, buildConnector, type Dispatcher } from "undici";
import { analyseAddress } from "./address-analysis";
import { isAddressAllowed, type AddressClass } from "./address-policy";

// The one way Switchboard sends HTTP requests to customers' APIs. The URLs come from customers,
// so this is the SSRF boundary: every address is checked where the socket is opened (not when
// the URL is parsed, which DNS rebinding or a redirect would get around), redirects are followed
// by hand so each hop is checked again, and credentials are not carried to another origin.

export interface OutboundRequest {
  method: string;
  url: string | URL;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
  /** Header names (case-insensitive) and query parameter names that carry credentials: removed on a cross-origin redirect. Authorization, Proxy-Authorization and Cookie are always treated as sensitive. */
  sensitiveHeaders?: readonly string[];
  sensitiveQueryParams?: readonly string[];
}

export interface OutboundPolicy {
  allowPrivateNetwork: boolean;
  /** Total time for the request, every redirect and reading the body. Default 10 000. */
  timeoutMs?: number;
  /** Time to open each connection, TLS handshake included. Default 10 000. */
  connectTimeoutMs?: number;
  /** Default 1 000 000. */
  maxResponseBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
}

export interface OutboundResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>; // lower-case names; repeated headers joined with ", "
  body: string; // UTF-8, at most maxResponseBytes bytes
  truncated: boolean;
  url: string; // final URL after redirects
  redirects: string[]; // each Location followed, in order
  durationMs: number;
}

export type OutboundErrorCode =
  "invalid_url" | "unsupported_scheme" | "blocked_address" | "dns" | "connect" | "tls" | "timeout" | "too_many_redirects" | "network";

/**
 * Why an outbound request failed, with a message meant for the person who configured it. The
 * message never holds header values or bodies; `url` is the URL concerned, with the values of
 * sensitive query parameters replaced and any user name or password removed.
 */
export class OutboundError extends Error {
  override readonly name = "OutboundError";
  readonly code: OutboundErrorCode;
  readonly addressClass?: AddressClass;
  readonly url?: string;

  constructor(code: OutboundErrorCode, message: string, details: { addressClass?: AddressClass; url?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.addressClass !== undefined) this.addressClass = details.addressClass;
    if (details.url !== undefined) this.url = details.url;
  }
}

type Lookup = (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;

const DEFAULTS = { timeoutMs: 10_000, connectTimeoutMs: 10_000, maxResponseBytes: 1_000_000, maxRedirects: 5 };

// Always credentials, whatever the caller lists.
const ALWAYS_SENSITIVE_HEADERS = ["authorization", "proxy-authorization", "cookie"];

// Framing and connection headers belong to the client, as in fetch: letting a configured header
// set them would allow request smuggling or a Host that differs from the checked URL.
const FORBIDDEN_REQUEST_HEADERS = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "proxy-connection",
  "upgrade",
  "te",
  "trailer",
  "expect",
]);

// Describe the request body; they must not outlive it when a redirect turns the request into a GET.
const BODY_HEADERS = ["content-type", "content-encoding", "content-language", "content-location"];

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

const defaultLookup: Lookup = async (hostname) => {
  const answers = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

export async function sendRequest(
  request: OutboundRequest,
  policy: OutboundPolicy,
  options: { lookup?: Lookup } = {},
): Promise<OutboundResponse> {
  const started = performance.now();
  const limits = resolveLimits(policy);
  const sensitiveHeaders = new Set([...ALWAYS_SENSITIVE_HEADERS, ...(request.sensitiveHeaders ?? []).map(lower)]);
  const sensitiveParams = new Set((request.sensitiveQueryParams ?? []).map(lower));
  const redact = (url: URL) => redactUrl(url, sensitiveParams);

  let url = parseTarget(request.url, redact);
  checkLiteralHost(url, policy.allowPrivateNetwork, redact);
  let method = normaliseMethod(request.method);
  let headers = prepareHeaders(request.headers ?? {}, request.body);
  let body = request.body === undefined ? undefined : String(request.body);

  const signal = AbortSignal.timeout(limits.timeoutMs);
  // The connector cannot be told which request it connects for, so an injected lookup needs
  // an agent of its own; without one, agents are shared and keep connections alive.
  const agent = options.lookup
    ? createAgent(policy.allowPrivateNetwork, limits.connectTimeoutMs, options.lookup)
    : sharedAgent(policy.allowPrivateNetwork, limits.connectTimeoutMs);
  const redirects: string[] = [];
  let phase: Phase = "response";

  try {
    for (;;) {
      phase = "response";
      const response = await agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method,
        headers,
        body,
        signal,
      });

      const location = REDIRECT_STATUSES.has(response.statusCode) ? firstValue(response.headers.location) : undefined;
      if (location === undefined) {
        phase = "body";
        const { text, truncated } = await readLimited(response.body, limits.maxResponseBytes);
        return {
          status: response.statusCode,
          statusText: response.statusText,
          headers: flattenHeaders(response.headers),
          body: text,
          truncated,
          url: url.href,
          redirects,
          durationMs: Math.round(performance.now() - started),
        };
      }

      await discard(response.body);
      if (redirects.length >= limits.maxRedirects) {
        throw new OutboundError(
          "too_many_redirects",
          limits.maxRedirects === 0
            ? `${hostLabel(url)} answered with a redirect (${response.statusCode}), and redirects are not followed here.`
            : `Stopped after ${limits.maxRedirects} redirect${limits.maxRedirects === 1 ? "" : "s"}: ${hostLabel(url)} ` +
                "redirected once more. Check the URL, or look for a redirect loop.",
          { url: redact(url) },
        );
      }

      const next = parseLocation(location, url, response.statusCode, redact);
      if (next.origin !== url.origin) {
        headers = withoutHeaders(headers, sensitiveHeaders);
        stripQueryParams(next, sensitiveParams);
      }
      if (changesToGet(response.statusCode, method)) {
        method = "GET";
        body = undefined;
        headers = withoutHeaders(headers, new Set(BODY_HEADERS));
      }
      checkLiteralHost(next, policy.allowPrivateNetwork, redact);
      redirects.push(next.href);
      url = next;
    }
  } catch (error) {
    throw toOutboundError(error, { url, redact, signal, timeoutMs: limits.timeoutMs, phase });
  } finally {
    if (options.lookup) agent.destroy().catch(() => {});
  }
}

type Phase = "response" | "body";

function resolveLimits(policy: OutboundPolicy) {
  const limits = {
    timeoutMs: policy.timeoutMs ?? DEFAULTS.timeoutMs,
    connectTimeoutMs: policy.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    maxResponseBytes: policy.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
    maxRedirects: policy.maxRedirects ?? DEFAULTS.maxRedirects,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`OutboundPolicy.${name} must be a non-negative integer, not ${value}.`);
    }
  }
  if (limits.timeoutMs === 0 || limits.connectTimeoutMs === 0) {
    throw new RangeError("OutboundPolicy timeouts must be greater than 0.");
  }
  return limits;
}

function lower(name: string): string {
  return name.toLowerCase();
}

// --- URLs ---------------------------------------------------------------------------------

function parseTarget(input: string | URL, redact: (url: URL) => string): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    // The input is not echoed: it may carry an API key in its query.
    throw new OutboundError("invalid_url", "The URL is not valid: it must be absolute, like https://api.example.com/v1/users.");
  }
  checkScheme(url, undefined, redact);
  if (url.username || url.password) {
    throw new OutboundError(
      "invalid_url",
      "URLs with a user name or password (https://user:password@host/) are not allowed: send credentials in a header instead.",
      { url: redact(url) },
    );
  }
  return url;
}

function parseLocation(location: string, from: URL, status: number, redact: (url: URL) => string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new OutboundError("invalid_url", `${hostLabel(from)} answered ${status} with a Location header that is not a valid URL.`, {
      url: redact(from),
    });
  }
  checkScheme(next, from, redact);
  if (next.username || next.password) {
    throw new OutboundError(
      "invalid_url",
      `${hostLabel(from)} redirected to a URL with a user name or password, which Switchboard does not follow.`,
      { url: redact(next) },
    );
  }
  return next;
}

function checkScheme(url: URL, redirectedFrom: URL | undefined, redact: (url: URL) => string): void {
  if (url.protocol === "http:" || url.protocol === "https:") return;
  const refusal = `Only http:// and https:// URLs are allowed, not "${url.protocol}".`;
  throw new OutboundError(
    "unsupported_scheme",
    redirectedFrom ? `${hostLabel(redirectedFrom)} redirected to a "${url.protocol}" URL. ${refusal}` : refusal,
    { url: redact(url) },
  );
}

/** host:port as the user would recognise it, without path or query (those may hold secrets). */
function hostLabel(url: URL): string {
  return url.host;
}

function redactUrl(url: URL, sensitiveParams: ReadonlySet<string>): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  if (sensitiveParams.size > 0 && [...copy.searchParams.keys()].some((name) => sensitiveParams.has(lower(name)))) {
    const params = new URLSearchParams();
    for (const [name, value] of copy.searchParams) {
      params.append(name, sensitiveParams.has(lower(name)) ? "REDACTED" : value);
    }
    copy.search = params.toString();
  }
  return copy.href;
}

function stripQueryParams(url: URL, sensitiveParams: ReadonlySet<string>): void {
  // Case-insensitively: an API that ignores case would still read API_KEY as api_key.
  const names = [...new Set(url.searchParams.keys())].filter((name) => sensitiveParams.has(lower(name)));
  for (const name of names) url.searchParams.delete(name);
}

function changesToGet(status: number, method: string): boolean {
  // As fetch does, except that 301/302 also turn PUT, PATCH and DELETE into GET (as the brief
  // and most clients do); HEAD stays HEAD on a 303 since it has no body to drop.
  if (method === "GET" || method === "HEAD") return false;
  return status === 301 || status === 302 || status === 303;
}

// --- Request parts -------------------------------------------------------------------------

const NORMALISED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"]);

function normaliseMethod(method: string): string {
  const upper = method.toUpperCase();
  if (!TOKEN.test(method) || upper === "CONNECT" || upper === "TRACE" || upper === "TRACK") {
    throw new OutboundError("network", `The HTTP method "${method.slice(0, 40)}" cannot be sent.`);
  }
  return NORMALISED_METHODS.has(upper) ? upper : method;
}

function prepareHeaders(given: Record<string, string>, body: OutboundRequest["body"]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!TOKEN.test(name)) {
      throw new OutboundError("network", `The header name "${name.slice(0, 100)}" is not valid.`);
    }
    // Name only: the value may be a secret.
    if (INVALID_HEADER_VALUE.test(value)) {
      throw new OutboundError(
        "network",
        `The value of header "${name}" has characters that cannot be sent (line breaks, control or non-Latin-1 characters).`,
      );
    }
    if (FORBIDDEN_REQUEST_HEADERS.has(lower(name))) continue;
    headers[name] = value;
  }
  if (body instanceof URLSearchParams && !Object.keys(headers).some((name) => lower(name) === "content-type")) {
    headers["content-type"] = "application/x-www-form-urlencoded;charset=UTF-8";
  }
  return headers;
}

function withoutHeaders(headers: Record<string, string>, names: ReadonlySet<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.has(lower(name))));
}

// --- Responses -----------------------------------------------------------------------------

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function flattenHeaders(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[lower(name)] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

type Body = Dispatcher.ResponseData["body"];

async function readLimited(body: Body, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const decoder = new TextDecoder("utf-8");
  const parts: string[] = [];
  let received = 0;
  let truncated = false;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    const room = maxBytes - received;
    if (bytes.length > room) {
      // stream: true keeps a multi-byte character cut at the limit out of the text, rather than
      // turning it into a replacement character.
      parts.push(decoder.decode(bytes.subarray(0, room), { stream: true }));
      received += room;
      truncated = true;
      break;
    }
    parts.push(decoder.decode(bytes, { stream: true }));
    received += bytes.length;
  }
  if (truncated) {
    // Stop the transfer instead of draining what is left (it could be gigabytes).
    body.destroy();
  } else {
    parts.push(decoder.decode());
  }
  return { text: parts.join(""), truncated };
}

async function discard(body: Body): Promise<void> {
  try {
    // Reads a small redirect body to keep the connection reusable, and destroys a large one.
    await body.dump({ limit: 64 * 1024 });
  } catch {
    // Whatever went wrong surfaces on the next request, or not at all.
  }
}

// --- Connections ---------------------------------------------------------------------------

const sharedAgents = new Map<string, Agent>();

function sharedAgent(allowPrivateNetwork: boolean, connectTimeoutMs: number): Agent {
  const key = `${allowPrivateNetwork}:${connectTimeoutMs}`;
  let agent = sharedAgents.get(key);
  if (!agent) {
    agent = createAgent(allowPrivateNetwork, connectTimeoutMs, defaultLookup);
    sharedAgents.set(key, agent);
  }
  return agent;
}

function createAgent(allowPrivateNetwork: boolean, connectTimeoutMs: number, lookup: Lookup): Agent {
  return new Agent({ connect: guardedConnector(allowPrivateNetwork, connectTimeoutMs, lookup) });
}

/**
 * undici's connector, but it resolves the host itself, refuses when any address is blocked,
 * and then connects to a checked address, never to the name, so the address checked is the
 * address connected to.
 */
function guardedConnector(allowPrivateNetwork: boolean, connectTimeoutMs: number, lookup: Lookup): buildConnector.connector {
  const connectTo = buildConnector({ timeout: connectTimeoutMs });
  return (options, callback) => {
    const target: Target = {
      hostname: unbracket(options.hostname),
      port: Number(options.port) || (options.protocol === "https:" ? 443 : 80),
      tls: options.protocol === "https:",
      connectTimeoutMs,
      allowPrivateNetwork,
    };
    resolveAllowed(target, lookup).then(
      (addresses) => connectInTurn(connectTo, options, target, addresses, 0, undefined, callback),
      (error: unknown) => callback(asError(error), null),
    );
  };
}

interface Target {
  hostname: string;
  port: number;
  tls: boolean;
  connectTimeoutMs: number;
  allowPrivateNetwork: boolean;
}

async function resolveAllowed(target: Target, lookup: Lookup): Promise<string[]> {
  const { hostname } = target;
  let addresses: string[];
  if (net.isIP(hostname)) {
    addresses = [hostname];
  } else {
    try {
      addresses = (await lookup(hostname)).map(({ address }) => address);
    } catch (error) {
      throw dnsError(hostname, error);
    }
    if (addresses.length === 0) throw new OutboundError("dns", `Could not resolve ${hostname}: it has no addresses.`);
  }
  // Every address, not only the one connected to: a name that answers with an internal address
  // at all is refused, so the outcome does not depend on answer order or on which one connects.
  for (const address of addresses) {
    const blocked = blockedError(address, hostname, target.allowPrivateNetwork);
    if (blocked) throw blocked;
  }
  return [...new Set(addresses)];
}

function blockedError(address: string, hostname: string, allowPrivateNetwork: boolean): OutboundError | undefined {
  let verdict: ReturnType<typeof isAddressAllowed>;
  try {
    verdict = isAddressAllowed(address, allowPrivateNetwork);
  } catch {
    return new OutboundError("dns", `${hostname} resolved to something that is not an IP address.`);
  }
  if (verdict.allowed) return undefined;
  return new OutboundError("blocked_address", blockedMessage(address, hostname, verdict.addressClass), {
    addressClass: verdict.addressClass,
  });
}

const CLASS_DESCRIPTIONS: Record<AddressClass, string> = {
  public: "a public address",
  loopback: "a loopback address",
  private: "a private network address",
  "unique-local": "a unique local (private IPv6) address",
  "link-local": "a link-local address",
  metadata: "a cloud metadata address",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  broadcast: "a broadcast address",
  reserved: "a reserved address",
};

const PRIVATE_NETWORK_HINT =
  "Private networks are off for this project; a project owner can allow them in Settings, " +
  "or the server can set SWITCHBOARD_ALLOW_PRIVATE_NETWORK=true.";

function blockedMessage(address: string, hostname: string, addressClass: AddressClass): string {
  const bare = unbracket(address);
  const embedded = analyseAddress(bare).embeddedIPv4;
  const what = `${CLASS_DESCRIPTIONS[addressClass]}${embedded ? ` (it stands for ${embedded})` : ""}`;
  const subject = hostname === bare || net.isIP(hostname) ? `${bare} is ${what}` : `${hostname} resolves to ${bare}, ${what}`;
  const alwaysBlocked = addressClass !== "loopback" && addressClass !== "private" && addressClass !== "unique-local";
  return alwaysBlocked ? `Blocked: ${subject}, which Switchboard never calls.` : `Blocked: ${subject}. ${PRIVATE_NETWORK_HINT}`;
}

function checkLiteralHost(url: URL, allowPrivateNetwork: boolean, redact: (url: URL) => string): void {
  // The connector checks these too; checking here as well fails before any connection is set up.
  const hostname = unbracket(url.hostname);
  if (!net.isIP(hostname)) return;
  const blocked = blockedError(hostname, hostname, allowPrivateNetwork);
  if (blocked) throw withUrl(blocked, redact(url));
}

// Errors on which the next address of the host is worth trying.
const TRY_NEXT_ADDRESS = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EADDRNOTAVAIL",
  "EAFNOSUPPORT",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function connectInTurn(
  connectTo: buildConnector.connector,
  options: buildConnector.Options,
  target: Target,
  addresses: readonly string[],
  index: number,
  lastError: OutboundError | undefined,
  callback: buildConnector.Callback,
): void {
  const address = addresses[index];
  if (address === undefined) {
    callback(lastError ?? new OutboundError("connect", `Could not connect to ${target.hostname}.`), null);
    return;
  }
  let tcpConnected = false;
  const fail = (error: unknown, code: string | undefined) => {
    const mapped = connectError(error, target, address, tcpConnected);
    if (code !== undefined && TRY_NEXT_ADDRESS.has(code) && index + 1 < addresses.length) {
      connectInTurn(connectTo, options, target, addresses, index + 1, mapped, callback);
    } else {
      callback(mapped, null);
    }
  };
  try {
    // servername is left to undici, which derives it from `host`: the name, not the address.
    const socket: unknown = connectTo({ ...options, hostname: address }, (error, socket) => {
      if (error) {
        fail(error, errorCode(error));
        return;
      }
      // The socket was opened to `address`, which passed; this guards against that ever changing.
      const remote = socket.remoteAddress;
      const blocked = remote === undefined ? undefined : blockedError(remote, target.hostname, target.allowPrivateNetwork);
      if (blocked) {
        socket.destroy();
        callback(blocked, null);
        return;
      }
      callback(null, socket);
    });
    if (socket instanceof net.Socket) socket.once("connect", () => (tcpConnected = true));
  } catch (error) {
    fail(error, undefined);
  }
}

const TLS_REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: "its certificate has expired",
  CERT_NOT_YET_VALID: "its certificate is not valid yet",
  DEPTH_ZERO_SELF_SIGNED_CERT: "its certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "its certificate chain contains a self-signed certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    "its certificate is not signed by a trusted authority, or the server does not send the intermediate certificates",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "its certificate is not signed by a trusted authority, or the server does not send the intermediate certificates",
  ERR_TLS_CERT_ALTNAME_INVALID: "its certificate is not valid for this host name",
  CERT_REVOKED: "its certificate has been revoked",
  ERR_SSL_WRONG_VERSION_NUMBER: "it does not speak TLS on this port (should the URL start with http://?)",
  ERR_SSL_PACKET_LENGTH_TOO_LONG: "it does not speak TLS on this port (should the URL start with http://?)",
};

function isTlsError(error: unknown, code: string | undefined): boolean {
  if (code === undefined) return false;
  return (
    code in TLS_REASONS ||
    code.startsWith("ERR_SSL_") ||
    code.startsWith("ERR_TLS_") ||
    code.startsWith("CERT_") ||
    code.includes("_CERT") ||
    (typeof error === "object" && error !== null && "library" in error)
  );
}

function connectError(error: unknown, target: Target, address: string, tcpConnected: boolean): OutboundError {
  if (error instanceof OutboundError) return error;
  const code = errorCode(error);
  const where = `${displayHost(target.hostname)}:${target.port}`;
  const via = net.isIP(target.hostname) ? "" : ` (${displayHost(address)})`;
  const details = { cause: error };
  if (code === "UND_ERR_CONNECT_TIMEOUT") {
    return new OutboundError(
      "connect",
      tcpConnected && target.tls
        ? `The TLS handshake with ${where}${via} did not finish within ${target.connectTimeoutMs} ms (connect timeout). ` +
            "Check that the port serves HTTPS."
        : `Could not connect to ${where}${via} within ${target.connectTimeoutMs} ms (connect timeout). ` +
            "Check the host and port, and that its firewall lets Switchboard in.",
      details,
    );
  }
  if (target.tls && isTlsError(error, code)) {
    const reason = (code && TLS_REASONS[code]) ?? `the TLS handshake failed (${code})`;
    return new OutboundError("tls", `Could not connect securely to ${where}${via}: ${reason}.`, details);
  }
  if (target.tls && tcpConnected) {
    return new OutboundError(
      "tls",
      `Could not connect securely to ${where}${via}: the connection ended during the TLS handshake${code ? ` (${code})` : ""}.`,
      details,
    );
  }
  if (code === "ECONNREFUSED") {
    return new OutboundError(
      "connect",
      `Could not connect to ${where}${via}: connection refused. Check the host and port, and that the server is running.`,
      details,
    );
  }
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") {
    return new OutboundError("connect", `Could not connect to ${where}${via}: no route to that address.`, details);
  }
  return new OutboundError("connect", `Could not connect to ${where}${via}${code ? ` (${code})` : ""}.`, details);
}

function dnsError(hostname: string, error: unknown): OutboundError {
  const code = errorCode(error);
  const temporary = code === "EAI_AGAIN" || code === "ETIMEOUT" || code === "ESERVFAIL";
  return new OutboundError(
    "dns",
    temporary ? `Could not resolve ${hostname}: the DNS server did not answer. Try again in a moment.` : `Could not resolve ${hostname}.`,
    { cause: error },
  );
}

// --- Errors --------------------------------------------------------------------------------

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const code = (error as { code: unknown }).code;
  // Only codes that look like codes go into messages.
  return typeof code === "string" && /^[A-Za-z0-9_]{1,60}$/.test(code) ? code : undefined;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function withUrl(error: OutboundError, url: string): OutboundError {
  if (error.url !== undefined) return error;
  return new OutboundError(error.code, error.message, {
    url,
    ...(error.addressClass === undefined ? {} : { addressClass: error.addressClass }),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  });
}

function toOutboundError(
  error: unknown,
  context: { url: URL; redact: (url: URL) => string; signal: AbortSignal; timeoutMs: number; phase: Phase },
): OutboundError {
  const url = context.redact(context.url);
  if (error instanceof OutboundError) return withUrl(error, url);
  const where = hostLabel(context.url);
  const details = { url, cause: error };
  const code = errorCode(error);
  if (context.signal.aborted || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return new OutboundError(
      "timeout",
      context.phase === "body"
        ? `Reading the response from ${where} took longer than ${context.timeoutMs} ms.`
        : `No response from ${where} within ${context.timeoutMs} ms. Check that the API is up, or allow it more time.`,
      details,
    );
  }
  if (code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "EPIPE") {
    return new OutboundError("network", `The connection to ${where} closed before the response was complete.`, details);
  }
  if (code === "UND_ERR_HEADERS_OVERFLOW") {
    return new OutboundError("network", `The response headers from ${where} are too large.`, details);
  }
  if (code?.startsWith("HPE_") || code === "UND_ERR_INFO") {
    return new OutboundError("network", `${where} sent a response that is not valid HTTP/1.1.`, details);
  }
  if (code === "UND_ERR_INVALID_ARG" || code === "UND_ERR_NOT_SUPPORTED") {
    return new OutboundError("network", `The request to ${where} could not be sent: check its method and headers.`, details);
  }
  return new OutboundError("network", `The request to ${where} failed${code ? ` (${code})` : ""}.`, details);
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function displayHost(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host;
}
