// The Switchboard JavaScript SDK: connects a product's users to the project's published resources
// (with credentials the product holds, or through the Connect Portal's popup), turns the project's workflows on and off for them, sends App Events and lists and calls their
// tools (Agents), through the Connect API
// (`/projects/:projectId/sdk/...`).
//
// It must stay standalone: `scripts/build-sdk.mjs` bundles this file alone into `public/sdk.js`,
// which browsers import from Switchboard's origin. So no runtime imports at all, only the global
// `fetch` (browsers, Node 20+). The response types are declared here, not imported, so that this
// file can also be copied into a TypeScript project as is; `index.test.ts` checks they match
// `lib/connections/api-schema.ts`, `lib/workflows/api-schema.ts` and `lib/tools/api-schema.ts`.

// ---------------------------------------------------------------------------------------------
// Types

/** A user's connection to a resource, as the Connect API answers it: never a secret. */
export interface Connection {
  id: string;
  projectId: string;
  resourceId: string;
  /** The User Token's `sub`. */
  userId: string;
  status: "VALID" | "INVALID";
  /** The User Profile fields kept at connect, or null when the resource has no User Profile. */
  profile: Record<string, unknown> | null;
  dateCreated: string;
  dateUpdated: string;
  dateRefreshed: string | null;
}

/** One published resource of the project, with the user's connection to it when there is one. */
export interface SdkResource {
  id: string;
  slug: string;
  name: string;
  level: "user" | "app";
  credentialId?: string;
  credentialStatus?: "VALID" | "INVALID";
}

/** One deployed workflow of the project, and whether it runs for the user. */
export interface SdkWorkflow {
  id: string;
  name: string;
  /** The user's own setting (enableWorkflow / disableWorkflow), else the workflow's Enabled for all users. */
  enabled: boolean;
}

/** `GET /sdk/me`: the Connected User the User Token names, the project's published resources and its deployed workflows. */
export interface SdkUser {
  authenticated: true;
  userId: string;
  resources: SdkResource[];
  workflows: SdkWorkflow[];
}

/** `enableWorkflow` / `disableWorkflow`: the user's setting now. */
export interface WorkflowEnablement {
  workflowId: string;
  enabled: boolean;
}

/** `sendEvent`: the runs the event started, one per deployed workflow on it that is enabled for the user. */
export interface SentEvent {
  runIds: string[];
}

/** `listTools`: one of the user's tools, for an agent to call (an operation of a resource they are connected to). */
export interface Tool {
  name: string;
  description: string;
  /** A JSON Schema of an object: the tool's arguments. */
  inputSchema: Record<string, unknown>;
  /** A JSON Schema of `content.body` when a call succeeds, when the API documents it. */
  outputSchema?: Record<string, unknown>;
}

/**
 * `callTool`: what the tool answered. A failure an agent can act on is `isError: true` with a
 * code — invalid_arguments (the message names the argument), api_error (the API's status and an
 * excerpt), reconnect_needed, upstream_unreachable — not a thrown error.
 */
export type ToolCallResult =
  | { isError: false; content: { status: number; body: unknown } }
  | { isError: true; content: { code: string; message: string; status?: number } };

/** Why the Connect Portal could not connect the user (the popup showed it too). */
export interface ConnectErrorInfo {
  /** e.g. access_denied when the user denied consent at the API; connect_failed when the portal gave no code. */
  code: string;
  message: string;
}

/**
 * How `connect()` ended. The popup posts `connected` or `error`; `closed` means the user closed the
 * popup before it answered (nothing was stored by the portal for this attempt, or at least nothing
 * it reported).
 */
export type ConnectResult =
  | { status: "connected"; resourceId: string }
  | { status: "error"; resourceId: string; error: ConnectErrorInfo }
  | { status: "closed"; resourceId: string };

export interface ConnectOptions {
  /** Called with the result when the popup reports the connection saved. */
  onSuccess?: (result: Extract<ConnectResult, { status: "connected" }>) => void;
  /** Called with the result when the popup reports an error (e.g. the user denied consent). Nothing was stored. */
  onError?: (result: Extract<ConnectResult, { status: "error" }>) => void;
  /** Called when the user closed the popup before it reported anything. */
  onClose?: (result: Extract<ConnectResult, { status: "closed" }>) => void;
}

export interface AuthenticateOptions {
  /**
   * Switchboard's origin, e.g. `https://switchboard.example.com`. Defaults to the origin this
   * script was loaded from when it was imported as `<origin>/sdk.js`; required otherwise.
   */
  baseUrl?: string;
}

/** The SDK's operations, bound to one project and User Token at a time. */
export interface SwitchboardClient {
  /** Verifies the User Token against the project (`GET /sdk/me`) and remembers both for the calls that follow. */
  authenticate(projectId: string, userToken: string, options?: AuthenticateOptions): Promise<void>;
  /** Connects the user's credentials to a resource named by its name (any case), slug or ID. */
  connectAction(resourceName: string, payload: Record<string, string>): Promise<Connection>;
  /**
   * Connects the user to a resource (name in any case, slug or ID) through the Connect Portal: opens
   * a popup where Switchboard runs the API's OAuth authorization (or asks for the API keys), and
   * resolves with how it ended — `connected`, `error` or `closed` (the user closed the popup) —
   * after calling the matching callback. Browser only; call it from a click handler so the popup is
   * not blocked. It rejects (a SwitchboardError) only when the popup could not be started: not in a
   * browser, popup blocked, not authenticated, unknown resource, or Switchboard refused the connect
   * session (e.g. this page's origin is not in Allowed Origins).
   */
  connect(resourceName: string, options?: ConnectOptions): Promise<ConnectResult>;
  /** Deletes the user's connection to a resource named by its name (any case), slug or ID. */
  disconnectAction(resourceName: string): Promise<void>;
  /** The Connected User, the project's published resources and its deployed workflows, fetched afresh. */
  getUser(): Promise<SdkUser>;
  /** Turns a workflow (by ID) on for the user: its triggers start runs for them. */
  enableWorkflow(workflowId: string): Promise<WorkflowEnablement>;
  /** Turns a workflow (by ID) off for the user: its triggers start no runs for them. */
  disableWorkflow(workflowId: string): Promise<WorkflowEnablement>;
  /** Sends an App Event: each deployed workflow on it that is enabled for the user starts a run with `payload` as `trigger.payload`. */
  sendEvent(name: string, payload?: Record<string, unknown>): Promise<SentEvent>;
  /** The user's tools (`GET /sdk/tools`): name, description and the JSON Schema of their arguments. */
  listTools(): Promise<Tool[]>;
  /** Calls one of the user's tools by name with its arguments (`POST /sdk/tools/{name}`); an unknown name throws with code tool_not_found. */
  callTool(name: string, args?: Record<string, unknown>): Promise<ToolCallResult>;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Every error the SDK throws. `code` is the Connect API's error code (or the SDK's own); `status` the HTTP status when there was an answer. */
export class SwitchboardError extends Error {
  override name = "SwitchboardError";
  readonly code: string;
  readonly status?: number;

  constructor(message: string, { code, status, cause }: { code: string; status?: number; cause?: unknown }) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    if (status !== undefined) this.status = status;
  }
}

/** No User Token yet (call `authenticate()` first), or Switchboard refused it (401). */
export class NotAuthenticatedError extends SwitchboardError {
  override name = "NotAuthenticatedError";
}

/** The project has no published resource by this name, slug or ID. */
export class ResourceNotFoundError extends SwitchboardError {
  override name = "ResourceNotFoundError";
  /** The name the caller asked for. */
  readonly resourceName: string;
  /** The names of the project's published resources, as far as the SDK knows them. */
  readonly knownResources: string[];

  constructor(message: string, options: { code: string; status?: number; resourceName: string; knownResources: string[] }) {
    super(message, options);
    this.resourceName = options.resourceName;
    this.knownResources = options.knownResources;
  }
}

/** The payload or event is not valid (400). `fields` says, per key, what is wrong. */
export class ValidationError extends SwitchboardError {
  override name = "ValidationError";
  readonly fields: Record<string, string>;

  constructor(message: string, options: { code: string; status?: number; fields: Record<string, string> }) {
    super(message, options);
    this.fields = options.fields;
  }
}

/** The project has no workflow with this ID (404). */
export class WorkflowNotFoundError extends SwitchboardError {
  override name = "WorkflowNotFoundError";
  readonly workflowId: string;

  constructor(message: string, options: { code: string; status?: number; workflowId: string }) {
    super(message, options);
    this.workflowId = options.workflowId;
  }
}

/** The resource's API refused the credentials while Switchboard fetched the User Profile (422). Nothing was stored. */
export class CredentialsRejectedError extends SwitchboardError {
  override name = "CredentialsRejectedError";
}

/** Too many Connect API calls for this user (429). */
export class RateLimitedError extends SwitchboardError {
  override name = "RateLimitedError";
  /** Seconds to wait before the next call, from `Retry-After`; null when the answer did not let the SDK read it. */
  readonly retryAfterSeconds: number | null;

  constructor(message: string, options: { code: string; status?: number; retryAfterSeconds: number | null }) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The browser refused to open the Connect Portal's popup: call `connect()` from a click handler, or allow popups for this site. */
export class PopupBlockedError extends SwitchboardError {
  override name = "PopupBlockedError";
}

/** The request never got an answer: Switchboard is unreachable, or (in a browser) the CORS check refused this page's origin. */
export class NetworkError extends SwitchboardError {
  override name = "NetworkError";
}

// ---------------------------------------------------------------------------------------------
// Helpers

const SDK_SCRIPT_NAME = "/sdk.js";

/**
 * The origin this module was loaded from, when it was loaded over HTTP(S) as `.../sdk.js` (the
 * bundle Switchboard serves); undefined otherwise (a file, or this source bundled into an app,
 * where the module's URL says nothing about where Switchboard is).
 */
function scriptOrigin(): string | undefined {
  try {
    const url = new URL(import.meta.url);
    if ((url.protocol === "https:" || url.protocol === "http:") && url.pathname.endsWith(SDK_SCRIPT_NAME)) return url.origin;
  } catch {
    // import.meta.url is not a URL: no default.
  }
  return undefined;
}

function normalizeBaseUrl(baseUrl: string | undefined): string {
  const value = baseUrl ?? scriptOrigin();
  if (value === undefined) {
    throw new SwitchboardError(
      "authenticate() needs options.baseUrl, Switchboard's origin (e.g. https://switchboard.example.com): " +
        "it can only be left out when the SDK is imported from <Switchboard origin>/sdk.js.",
      { code: "missing_base_url" },
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SwitchboardError(`options.baseUrl is not a URL: "${value}".`, { code: "invalid_base_url" });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new SwitchboardError(`options.baseUrl must be an http(s) URL, not "${value}".`, { code: "invalid_base_url" });
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function isBrowser(): boolean {
  return typeof window !== "undefined" && typeof document !== "undefined";
}

function pageOrigin(): string | undefined {
  const location = (globalThis as { location?: { origin?: unknown } }).location;
  return typeof location?.origin === "string" && location.origin !== "null" ? location.origin : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** Seconds from a Retry-After header: delta-seconds or an HTTP date. */
function parseRetryAfter(header: string | null): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function describeCause(error: unknown): string {
  // Node's fetch throws "fetch failed" with the socket error as its cause: the cause's code is the useful part.
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  const code: unknown = cause instanceof Error ? (cause as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" ? `: ${code}` : "";
}

function quoteList(names: readonly string[]): string {
  return names.length ? names.join(", ") : "none";
}

// ---------------------------------------------------------------------------------------------
// The Connect Portal's popup

/** The window name and features of the Connect Portal's popup. */
const POPUP_NAME = "switchboard-connect";
const POPUP_FEATURES = "popup,width=520,height=720";
/** How often connect() checks whether the user closed the popup, and how long it then still waits for a late message. */
const POPUP_POLL_MS = 500;
const POPUP_CLOSED_GRACE_MS = 300;

/** What connect() needs of a browser window (the global `window`). */
interface PopupHost {
  open(url: string, target: string, features: string): PopupWindow | null;
  addEventListener(type: "message", listener: (event: PortalMessage) => void): void;
  removeEventListener(type: "message", listener: (event: PortalMessage) => void): void;
}

/** The parts of a `message` event connect() reads (declared here so the file needs no DOM types). */
interface PortalMessage {
  readonly origin: string;
  readonly source: unknown;
  readonly data: unknown;
}

/** What connect() needs of the popup it opened. */
interface PopupWindow {
  readonly closed: boolean;
  close(): void;
  location: { replace(url: string): void };
}

/** The global `window` when there is one that can open popups (a browser page), else undefined (Node, a worker). */
function browserWindow(): PopupHost | undefined {
  const candidate = (globalThis as { window?: Partial<PopupHost> }).window;
  return candidate && typeof candidate.open === "function" && typeof candidate.addEventListener === "function"
    ? (candidate as PopupHost)
    : undefined;
}

/** An absolute http(s) URL, `value` resolved against `base`; undefined when it is not one. */
function httpUrl(value: unknown, base: string): URL | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value, base);
    return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The `error` a popup posted, as { code, message }: a string or an object with code and message, else a generic one. */
function connectErrorInfo(value: unknown): ConnectErrorInfo {
  if (typeof value === "string" && value.trim()) return { code: "connect_failed", message: value };
  if (isRecord(value)) {
    const code = typeof value.code === "string" && value.code ? value.code : "connect_failed";
    const message = typeof value.message === "string" && value.message ? value.message : "The connection could not be made.";
    return { code, message };
  }
  return { code: "connect_failed", message: "The connection could not be made." };
}

/**
 * The result a message event carries when it is the Connect Portal's answer: posted by `popup`
 * (event.source), from `origin` (Switchboard's, where the popup was opened), of type
 * "switchboard:connect", about `resourceId`. Undefined for any other message (another window,
 * another origin, another kind or resource), which connect() ignores.
 */
function connectResultOf(
  event: PortalMessage,
  expected: { origin: string; popup: unknown; resourceId: string },
): Extract<ConnectResult, { status: "connected" | "error" }> | undefined {
  if (event.origin !== expected.origin || event.source === null || event.source !== expected.popup) return undefined;
  const data: unknown = event.data;
  if (!isRecord(data) || data.type !== "switchboard:connect" || data.resourceId !== expected.resourceId) return undefined;
  if (data.status === "connected") return { status: "connected", resourceId: expected.resourceId };
  if (data.status === "error") return { status: "error", resourceId: expected.resourceId, error: connectErrorInfo(data.error) };
  return undefined;
}

/** Calls a user's callback; what it throws is reported as an uncaught error, never turned into connect()'s result. */
function callBack<T>(callback: ((value: T) => void) | undefined, value: T): void {
  if (typeof callback !== "function") return;
  try {
    callback(value);
  } catch (error) {
    setTimeout(() => {
      throw error;
    }, 0);
  }
}

/** Resolves with the popup's answer, or `closed` once the user closed it without one. */
function awaitPopup(host: PopupHost, popup: PopupWindow, origin: string, resourceId: string): Promise<ConnectResult> {
  return new Promise((resolve) => {
    let grace: ReturnType<typeof setTimeout> | undefined;
    const finish = (result: ConnectResult) => {
      host.removeEventListener("message", onMessage);
      clearInterval(poll);
      if (grace !== undefined) clearTimeout(grace);
      resolve(result);
    };
    const onMessage = (event: PortalMessage) => {
      const result = connectResultOf(event, { origin, popup, resourceId });
      if (result) finish(result);
    };
    host.addEventListener("message", onMessage);
    const poll = setInterval(() => {
      if (!popup.closed || grace !== undefined) return;
      // The popup posts, then closes itself: give a message already on its way the time to arrive.
      grace = setTimeout(() => finish({ status: "closed", resourceId }), POPUP_CLOSED_GRACE_MS);
    }, POPUP_POLL_MS);
  });
}

// ---------------------------------------------------------------------------------------------
// The client

interface Session {
  baseUrl: string;
  projectId: string;
  userToken: string;
  /** The last `/sdk/me` resources list, for resolving names. */
  resources: SdkResource[];
}

interface ErrorBody {
  code: string;
  message: string;
  fields?: Record<string, string>;
}

/** Creates a client with its own project, User Token and resource cache (use one per project). */
export function createClient(): SwitchboardClient {
  let session: Session | undefined;
  // Only the latest authenticate() call may set the session, whatever order they finish in.
  let generation = 0;

  function requireSession(action: string): Session {
    if (!session) {
      throw new NotAuthenticatedError(`Call authenticate(projectId, userToken) before ${action}().`, { code: "not_authenticated" });
    }
    return session;
  }

  async function request(
    target: Pick<Session, "baseUrl" | "projectId" | "userToken">,
    method: "GET" | "POST" | "DELETE",
    path: string,
    body?: Record<string, unknown>,
    /** What a 400 with fields is about, to start its message ("The event is not valid"). */
    invalid = "The payload does not match the resource's required keys",
  ): Promise<unknown> {
    const url = `${target.baseUrl}/projects/${encodeURIComponent(target.projectId)}/sdk${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${target.userToken}`, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // The User Token is the only credential: never send Switchboard's own cookies along.
        credentials: "omit",
      });
    } catch (error) {
      throw networkError(target.baseUrl, method, error);
    }
    let json: unknown;
    let parsed = true;
    try {
      json = await response.json();
    } catch {
      parsed = false;
    }
    if (response.ok) {
      if (!parsed) {
        throw new SwitchboardError(`Switchboard answered ${method} ${path} with ${response.status} but no JSON body.`, {
          code: "unexpected_response",
          status: response.status,
        });
      }
      return json;
    }
    const error = isRecord(json) && isRecord(json.error) ? json.error : undefined;
    const errorBody: ErrorBody | undefined =
      error && typeof error.code === "string" && typeof error.message === "string"
        ? { code: error.code, message: error.message, ...(isRecord(error.fields) ? { fields: stringRecord(error.fields) } : {}) }
        : undefined;
    throw apiError(response, errorBody, invalid);
  }

  function networkError(baseUrl: string, method: string, error: unknown): NetworkError {
    let message = `Could not reach Switchboard at ${baseUrl} (${method} request failed${describeCause(error)}).`;
    if (isBrowser()) {
      const origin = pageOrigin();
      message +=
        " Check that Switchboard is up and that baseUrl is right. In a browser a CORS refusal looks the same:" +
        ` this page's origin${origin ? ` (${origin})` : ""} must be in the project's Allowed Origins` +
        " (Settings → Signing Keys → Allowed Origins).";
    } else {
      message += " Check that Switchboard is up and that baseUrl is right.";
    }
    return new NetworkError(message, { code: "network_error", cause: error });
  }

  function apiError(response: Response, body: ErrorBody | undefined, invalid: string): SwitchboardError {
    const status = response.status;
    const code = body?.code ?? `http_${status}`;
    const serverMessage = body?.message ?? `Switchboard answered ${status}${response.statusText ? ` ${response.statusText}` : ""}.`;
    switch (status) {
      case 400: {
        const fields = body?.fields ?? {};
        const names = Object.keys(fields);
        const message = names.length
          ? `${invalid}: ${names.map((name) => `${name} (${fields[name] ?? "invalid"})`).join(", ")}.`
          : serverMessage;
        return new ValidationError(message, { code, status, fields });
      }
      case 401:
        return new NotAuthenticatedError(
          `Switchboard refused the User Token: ${serverMessage} Call authenticate() again with a fresh User Token ` +
            "(an RS256 JWT your backend signs with one of this project's active signing keys, sub = the user's id).",
          { code, status },
        );
      case 422:
        return new CredentialsRejectedError(serverMessage, { code, status });
      case 429: {
        const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
        const wait = retryAfterSeconds === null ? "" : ` Retry in ${retryAfterSeconds} s.`;
        return new RateLimitedError(`${serverMessage}${wait}`, { code, status, retryAfterSeconds });
      }
      default:
        return new SwitchboardError(serverMessage, { code, status });
    }
  }

  async function fetchUser(target: Pick<Session, "baseUrl" | "projectId" | "userToken">): Promise<SdkUser> {
    const json = await request(target, "GET", "/me");
    const isResource = (value: unknown) =>
      isRecord(value) && typeof value.id === "string" && typeof value.slug === "string" && typeof value.name === "string";
    const isWorkflow = (value: unknown) =>
      isRecord(value) && typeof value.id === "string" && typeof value.name === "string" && typeof value.enabled === "boolean";
    if (
      !isRecord(json) ||
      typeof json.userId !== "string" ||
      !Array.isArray(json.resources) ||
      !json.resources.every(isResource) ||
      !Array.isArray(json.workflows) ||
      !json.workflows.every(isWorkflow)
    ) {
      throw new SwitchboardError("Switchboard's /sdk/me answer is not the expected shape.", { code: "unexpected_response", status: 200 });
    }
    return json as unknown as SdkUser;
  }

  function find(resources: readonly SdkResource[], name: string): SdkResource | undefined {
    const lower = name.toLowerCase();
    return (
      resources.find((resource) => resource.id === name) ??
      resources.find((resource) => resource.name.toLowerCase() === lower) ??
      resources.find((resource) => resource.slug.toLowerCase() === lower)
    );
  }

  /** The resource a name, slug or ID names: from the cached list, else from a fresh one. */
  async function resolve(current: Session, resourceName: string): Promise<SdkResource> {
    const cached = find(current.resources, resourceName);
    if (cached) return cached;
    const user = await fetchUser(current);
    current.resources = user.resources;
    const fresh = find(user.resources, resourceName);
    if (fresh) return fresh;
    const names = user.resources.map((resource) => resource.name);
    throw new ResourceNotFoundError(`No resource named "${resourceName}" in this project. Published resources: ${quoteList(names)}.`, {
      code: "resource_not_found",
      resourceName,
      knownResources: names,
    });
  }

  /** A 404 for a resource the list named: it was unpublished meanwhile. */
  function unpublished(current: Session, resourceName: string, resource: SdkResource, error: unknown): unknown {
    if (!(error instanceof SwitchboardError) || error.status !== 404 || error.code !== "resource_not_found") return error;
    current.resources = current.resources.filter((known) => known.id !== resource.id);
    const names = current.resources.map((known) => known.name);
    return new ResourceNotFoundError(
      `No resource named "${resourceName}" in this project any more (it is no longer published). Published resources: ${quoteList(names)}.`,
      { code: error.code, status: 404, resourceName, knownResources: names },
    );
  }

  /** Sets the user's own setting for a workflow; a 404 becomes WorkflowNotFoundError. */
  async function setEnabled(workflowId: unknown, enabled: boolean): Promise<WorkflowEnablement> {
    const action = enabled ? "enableWorkflow" : "disableWorkflow";
    const current = requireSession(action);
    if (typeof workflowId !== "string" || !workflowId.trim()) {
      throw new SwitchboardError(`${action}() needs the workflow's ID as its first argument.`, { code: "invalid_argument" });
    }
    const id = workflowId.trim();
    try {
      return (await request(
        current,
        "POST",
        `/workflows/${encodeURIComponent(id)}/${enabled ? "enable" : "disable"}`,
      )) as WorkflowEnablement;
    } catch (error) {
      if (error instanceof SwitchboardError && error.status === 404 && error.code === "workflow_not_found") {
        throw new WorkflowNotFoundError(`No workflow with the ID "${id}" in this project. getUser() lists the deployed workflows.`, {
          code: error.code,
          status: 404,
          workflowId: id,
        });
      }
      throw error;
    }
  }

  function checkName(resourceName: unknown, action: string): asserts resourceName is string {
    if (typeof resourceName !== "string" || !resourceName.trim()) {
      throw new SwitchboardError(`${action}() needs the resource's name, slug or ID as its first argument.`, { code: "invalid_argument" });
    }
  }

  return {
    async authenticate(projectId, userToken, options = {}) {
      const mine = ++generation;
      session = undefined;
      if (typeof projectId !== "string" || !projectId.trim()) {
        throw new SwitchboardError("authenticate() needs the project's ID as its first argument.", { code: "invalid_argument" });
      }
      if (typeof userToken !== "string" || !userToken.trim()) {
        throw new NotAuthenticatedError(
          "authenticate() needs a User Token as its second argument: a JWT your backend signs for the user.",
          {
            code: "missing_user_token",
          },
        );
      }
      const target = {
        baseUrl: normalizeBaseUrl(options.baseUrl),
        projectId: projectId.trim(),
        userToken: userToken.trim().replace(/^Bearer\s+/i, ""),
      };
      const user = await fetchUser(target);
      if (mine === generation) session = { ...target, resources: user.resources };
    },

    async connectAction(resourceName, payload) {
      const current = requireSession("connectAction");
      checkName(resourceName, "connectAction");
      if (!isRecord(payload)) {
        throw new ValidationError("connectAction() needs the payload as an object of the resource's required keys, each a string.", {
          code: "invalid_body",
          fields: {},
        });
      }
      const resource = await resolve(current, resourceName);
      try {
        return (await request(current, "POST", `/resources/${encodeURIComponent(resource.id)}/connect`, payload)) as Connection;
      } catch (error) {
        throw unpublished(current, resourceName, resource, error);
      }
    },

    async connect(resourceName, options = {}) {
      checkName(resourceName, "connect");
      if (typeof options !== "object" || options === null || Array.isArray(options)) {
        throw new SwitchboardError("connect() takes its callbacks, when given, as an object: { onSuccess, onError, onClose }.", {
          code: "invalid_argument",
        });
      }
      const host = browserWindow();
      if (!host) {
        throw new SwitchboardError(
          "connect() opens the Connect Portal in a popup, so it runs only in a browser. From a backend, create a connect session " +
            "(POST /projects/{projectId}/sdk/connect-sessions with a Secret Key and X-Switchboard-User) and send its url to the user.",
          { code: "browser_required" },
        );
      }
      const current = requireSession("connect");
      // Opened now, while the click that called connect() still counts: after an await, browsers block popups.
      let popup: PopupWindow | null = null;
      try {
        popup = host.open("about:blank", POPUP_NAME, POPUP_FEATURES);
      } catch {
        popup = null;
      }
      if (!popup) {
        throw new PopupBlockedError(
          "The browser blocked the Connect Portal's popup. Call connect() directly from a click handler " +
            "(not after an await or a timer), or allow popups for this site.",
          { code: "popup_blocked" },
        );
      }
      const opened = popup;

      let target: URL;
      let resource: SdkResource;
      try {
        resource = await resolve(current, resourceName);
        let answer: unknown;
        try {
          answer = await request(
            current,
            "POST",
            "/connect-sessions",
            { resourceId: resource.id },
            "The connect session request is not valid",
          );
        } catch (error) {
          throw unpublished(current, resourceName, resource, error);
        }
        const parsed = httpUrl(isRecord(answer) ? answer.url : undefined, current.baseUrl);
        if (!parsed) {
          throw new SwitchboardError("Switchboard's connect session answer has no usable url.", {
            code: "unexpected_response",
            status: 201,
          });
        }
        target = parsed;
      } catch (error) {
        opened.close();
        throw error;
      }

      let result: ConnectResult;
      if (opened.closed) {
        result = { status: "closed", resourceId: resource.id };
      } else {
        const waiting = awaitPopup(host, opened, target.origin, resource.id);
        opened.location.replace(target.href);
        result = await waiting;
      }
      if (result.status === "connected") callBack(options.onSuccess, result);
      else if (result.status === "error") callBack(options.onError, result);
      else callBack(options.onClose, result);
      return result;
    },

    async disconnectAction(resourceName) {
      const current = requireSession("disconnectAction");
      checkName(resourceName, "disconnectAction");
      const resource = await resolve(current, resourceName);
      try {
        await request(current, "DELETE", `/resources/${encodeURIComponent(resource.id)}/connect`);
      } catch (error) {
        throw unpublished(current, resourceName, resource, error);
      }
    },

    async getUser() {
      const current = requireSession("getUser");
      const user = await fetchUser(current);
      current.resources = user.resources;
      return user;
    },

    enableWorkflow(workflowId) {
      return setEnabled(workflowId, true);
    },

    disableWorkflow(workflowId) {
      return setEnabled(workflowId, false);
    },

    async sendEvent(name, payload = {}) {
      const current = requireSession("sendEvent");
      if (typeof name !== "string" || !name.trim()) {
        throw new ValidationError('sendEvent() needs the event\'s name as its first argument, e.g. "task.created".', {
          code: "invalid_event",
          fields: { name: "Required." },
        });
      }
      if (!isRecord(payload)) {
        throw new ValidationError("sendEvent() needs the payload, when given, as an object.", {
          code: "invalid_event",
          fields: { payload: "Must be an object." },
        });
      }
      return (await request(current, "POST", "/events", { name, payload }, "The event is not valid")) as SentEvent;
    },

    async listTools() {
      const current = requireSession("listTools");
      const json = await request(current, "GET", "/tools");
      if (!isRecord(json) || !Array.isArray(json.tools)) {
        throw new SwitchboardError("Switchboard's /sdk/tools answer is not the expected shape.", {
          code: "unexpected_response",
          status: 200,
        });
      }
      return json.tools as Tool[];
    },

    async callTool(name, args = {}) {
      const current = requireSession("callTool");
      if (typeof name !== "string" || !name.trim()) {
        throw new SwitchboardError("callTool() needs the tool's name as its first argument (listTools() lists them).", {
          code: "invalid_argument",
        });
      }
      if (!isRecord(args)) {
        throw new ValidationError("callTool() needs the arguments, when given, as an object.", {
          code: "invalid_arguments",
          fields: { args: "Must be an object." },
        });
      }
      return (await request(
        current,
        "POST",
        `/tools/${encodeURIComponent(name.trim())}`,
        args,
        "The arguments are not valid",
      )) as ToolCallResult;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The default client

const defaultClient = createClient();

/** Verifies the User Token against the project (`GET /sdk/me`) and remembers both for the calls that follow. */
export function authenticate(projectId: string, userToken: string, options?: AuthenticateOptions): Promise<void> {
  return defaultClient.authenticate(projectId, userToken, options);
}

/** Connects the user's credentials to a resource named by its name (any case), slug or ID. */
export function connectAction(resourceName: string, payload: Record<string, string>): Promise<Connection> {
  return defaultClient.connectAction(resourceName, payload);
}

/**
 * Connects the user to a resource through the Connect Portal's popup (browser only; call it from a
 * click handler). Resolves with `connected`, `error` or `closed`, after calling onSuccess, onError
 * or onClose; rejects only when the popup could not be started (see SwitchboardClient.connect).
 */
export function connect(resourceName: string, options?: ConnectOptions): Promise<ConnectResult> {
  return defaultClient.connect(resourceName, options);
}

/** Deletes the user's connection to a resource named by its name (any case), slug or ID. */
export function disconnectAction(resourceName: string): Promise<void> {
  return defaultClient.disconnectAction(resourceName);
}

/** The Connected User, the project's published resources and its deployed workflows, fetched afresh. */
export function getUser(): Promise<SdkUser> {
  return defaultClient.getUser();
}

/** Turns a workflow (by ID) on for the user: its triggers start runs for them. */
export function enableWorkflow(workflowId: string): Promise<WorkflowEnablement> {
  return defaultClient.enableWorkflow(workflowId);
}

/** Turns a workflow (by ID) off for the user: its triggers start no runs for them. */
export function disableWorkflow(workflowId: string): Promise<WorkflowEnablement> {
  return defaultClient.disableWorkflow(workflowId);
}

/** Sends an App Event: each deployed workflow on it that is enabled for the user starts a run with `payload` as `trigger.payload`. */
export function sendEvent(name: string, payload?: Record<string, unknown>): Promise<SentEvent> {
  return defaultClient.sendEvent(name, payload);
}

/** The user's tools (`GET /sdk/tools`): name, description and the JSON Schema of their arguments. */
export function listTools(): Promise<Tool[]> {
  return defaultClient.listTools();
}

/** Calls one of the user's tools by name with its arguments (`POST /sdk/tools/{name}`). */
export function callTool(name: string, args?: Record<string, unknown>): Promise<ToolCallResult> {
  return defaultClient.callTool(name, args);
}
