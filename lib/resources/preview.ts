import type { ApiAuthentication } from "./schema";
import { parseTemplate, TemplateError } from "./template";

export interface RequestPreview {
  method: string;
  url: string;
  headers: Array<[name: string, value: string]>;
}

const MASK = "••••••••";

/**
 * Shows a template with a stand-in for each variable: secrets masked, other values as
 * `<key>`. For display only — requests are rendered by the template engine's renderers.
 */
function showTemplate(template: string, secrets: ReadonlySet<string>): string {
  try {
    return parseTemplate(template)
      .map((part) => (part.type === "text" ? part.value : secrets.has(part.name) ? MASK : `<${part.key}>`))
      .join("");
  } catch (error) {
    if (error instanceof TemplateError) return template;
    throw error;
  }
}

/** The request a resource would send for `path`, as the Request Details step previews it. */
export function previewRequest({
  baseUrl,
  authentication,
  secrets,
  method = "GET",
  path = "",
}: {
  baseUrl: string;
  authentication: ApiAuthentication;
  secrets: ReadonlySet<string>;
  method?: string;
  path?: string;
}): RequestPreview {
  const show = (template: string) => showTemplate(template, secrets);
  const headers: RequestPreview["headers"] = [];
  const query: Array<[string, string]> = [];
  switch (authentication.preset) {
    case "bearer":
      headers.push(["Authorization", `Bearer ${show(authentication.token)}`]);
      break;
    case "basic":
      // The header carries both values base64-encoded: always masked.
      headers.push(["Authorization", `Basic ${MASK}`]);
      break;
    case "header":
      headers.push([authentication.name, show(authentication.value)]);
      break;
    case "query":
      query.push([authentication.name, show(authentication.value)]);
      break;
    case "none":
      break;
  }
  for (const row of authentication.custom) {
    (row.location === "header" ? headers : query).push([row.name, show(row.value)]);
  }
  const base = show(baseUrl).replace(/\/+$/, "");
  const search = query.map(([name, value]) => `${name}=${value}`).join("&");
  const url = `${base}${path}${search ? (base.includes("?") || path.includes("?") ? "&" : "?") + search : ""}`;
  return { method, url, headers };
}
