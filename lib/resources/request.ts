import type { ApiAuthentication } from "./schema";
import { renderHeaderValue, renderTemplate, renderUrl, TemplateError, type TemplateValues } from "./template";

/** One call through a resource: a path relative to the API Base URL (or a URL on its origin). */
export interface ApiCall {
  method: string;
  path: string;
  query?: Readonly<Record<string, string>>;
  headers?: Readonly<Record<string, string>>;
  body?: string;
}

export interface BuiltRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** What API Authentication added: removed by the outbound client on a cross-origin redirect. */
  sensitiveHeaders: string[];
  sensitiveQueryParams: string[];
}

export class RequestBuildError extends Error {
  override name = "RequestBuildError";
}

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:/i;

/** The URL for `path`: under the base URL, or a full URL on the base URL's origin only. */
export function resolveApiUrl(base: URL, path: string): URL {
  if (ABSOLUTE_URL.test(path)) {
    let url: URL;
    try {
      url = new URL(path);
    } catch {
      throw new RequestBuildError(`"${path}" is not a valid URL.`);
    }
    if (url.origin !== base.origin) {
      throw new RequestBuildError(`Requests can only go to the API Base URL's origin (${base.origin}), not ${url.origin}.`);
    }
    return url;
  }
  if (!path.startsWith("/") || path.startsWith("//")) {
    throw new RequestBuildError("Enter a path starting with a single /, relative to the API Base URL.");
  }
  const url = new URL(base);
  const queryStart = path.search(/[?#]/);
  const pathname = queryStart === -1 ? path : path.slice(0, queryStart);
  url.pathname = `${base.pathname.replace(/\/+$/, "")}${pathname}`;
  if (queryStart !== -1) {
    const extra = new URL(`http://x${path.slice(queryStart)}`);
    extra.searchParams.forEach((value, name) => url.searchParams.append(name, value));
  }
  url.hash = "";
  return url;
}

/**
 * The one request builder: base URL + path, then API Authentication applied with the
 * connection's values. Every request through a resource is built here.
 */
export function buildApiRequest(
  request: { baseUrl: string; authentication: ApiAuthentication },
  values: TemplateValues,
  call: ApiCall,
): BuiltRequest {
  try {
    const url = resolveApiUrl(renderUrl(request.baseUrl, values), call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(call.headers ?? {})) headers[name.toLowerCase()] = value;
    const sensitiveHeaders: string[] = [];
    const sensitiveQueryParams: string[] = [];
    const setHeader = (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
      sensitiveHeaders.push(name.toLowerCase());
    };
    const setQuery = (name: string, value: string) => {
      url.searchParams.set(name, value);
      sensitiveQueryParams.push(name);
    };

    const auth = request.authentication;
    switch (auth.preset) {
      case "bearer":
        setHeader("authorization", `Bearer ${renderHeaderValue(auth.token, values)}`);
        break;
      case "basic": {
        const credentials = `${renderTemplate(auth.username, values)}:${renderTemplate(auth.password, values)}`;
        setHeader("authorization", `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`);
        break;
      }
      case "header":
        setHeader(auth.name, renderHeaderValue(auth.value, values));
        break;
      case "query":
        setQuery(auth.name, renderTemplate(auth.value, values));
        break;
      case "none":
        break;
    }
    for (const row of auth.custom) {
      if (row.location === "header") setHeader(row.name, renderHeaderValue(row.value, values));
      else setQuery(row.name, renderTemplate(row.value, values));
    }
    if (call.body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
    return { method: call.method.toUpperCase(), url, headers, body: call.body, sensitiveHeaders, sensitiveQueryParams };
  } catch (error) {
    if (error instanceof TemplateError) throw new RequestBuildError(error.message);
    throw error;
  }
}

const MASK = "••••••••";

/**
 * What replaces every occurrence of a secret (raw, URL-encoded or form-encoded) with a mask, for
 * display. The forms are worked out once for all the texts it masks (a request's URL, each of its
 * headers and its body): every request and workflow step describes the request it sent.
 */
export function secretMasker(secrets: readonly string[]): (text: string) => string {
  const forms = secrets
    .filter((secret) => secret.length >= 4)
    .flatMap((secret) => [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
  const longestFirst = [...new Set(forms)].sort((a, b) => b.length - a.length);
  return (text) => {
    let masked = text;
    for (const form of longestFirst) masked = masked.split(form).join(MASK);
    return masked;
  };
}

/** A built request as a user may see it: Basic credentials and every secret masked. */
export function describeRequest(request: BuiltRequest, secrets: readonly string[]) {
  const mask = secretMasker(secrets);
  const headers = Object.entries(request.headers).map(([name, value]): [string, string] => [
    name,
    /^basic /i.test(value) ? `Basic ${MASK}` : mask(value),
  ]);
  return {
    method: request.method,
    url: mask(request.url.href),
    headers,
    body: request.body === undefined ? undefined : mask(request.body),
  };
}
