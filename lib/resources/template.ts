/**
 * Templates: plain text with `{{ namespace.key }}` placeholders, used in the HTTP API
 * configuration users write (URLs, header values, bodies). There are no expressions,
 * so a template can only ever insert a named value.
 */

/** Resources use inputs, credentials and profile; workflows add trigger, steps and user; webhook settings payload, headers and webhook. */
export const TEMPLATE_NAMESPACES = [
  "inputs",
  "credentials",
  "profile",
  "trigger",
  "steps",
  "user",
  "payload",
  "headers",
  "webhook",
] as const;
export type TemplateNamespace = (typeof TEMPLATE_NAMESPACES)[number];

export type TemplatePart =
  | { type: "text"; value: string }
  | { type: "variable"; name: string; namespace: TemplateNamespace; key: string; start: number; end: number };

export class TemplateError extends Error {
  override readonly name = "TemplateError";
  /** 0-based index in the template where the problem starts, when there is one. */
  readonly index?: number;

  constructor(message: string, index?: number) {
    super(message);
    if (index !== undefined) this.index = index;
  }
}

export type TemplateValues = Readonly<Record<string, string>>;

const IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";
// A step in a path into JSON: an object key (header names have hyphens) or an array index.
const SEGMENT = "[A-Za-z0-9_][A-Za-z0-9_-]*";
const VARIABLE = new RegExp(
  `^(?:(?<namespace>inputs|credentials)\\.(?<key>${IDENTIFIER})|(?<deep>profile|trigger|steps|user|fanout|payload|headers|webhook)\\.(?<path>${SEGMENT}(?:\\.${SEGMENT})*))$`,
);

export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = "";
  let position = 0;
  for (;;) {
    const open = template.indexOf("{{", position);
    if (open === -1) break;
    const close = template.indexOf("}}", open + 2);
    if (close === -1) throw new TemplateError(`Unclosed "{{" at position ${open + 1}.`, open);
    const token = template.slice(open, close + 2);
    const content = template.slice(open + 2, close).trim();
    if (content === "") throw new TemplateError(`Empty variable at position ${open + 1}.`, open);
    const groups = VARIABLE.exec(content)?.groups;
    if (!groups) {
      throw new TemplateError(`"${token}" is not a variable: use {{ inputs.name }}, {{ credentials.name }} or {{ profile.name }}.`, open);
    }
    const namespace = (groups.namespace ?? groups.deep) as TemplateNamespace;
    const key = groups.key ?? groups.path ?? "";
    text += template.slice(position, open);
    if (text) parts.push({ type: "text", value: text });
    text = "";
    parts.push({ type: "variable", name: `${namespace}.${key}`, namespace, key, start: open, end: close + 2 });
    position = close + 2;
  }
  text += template.slice(position);
  if (text) parts.push({ type: "text", value: text });
  return parts;
}

export function templateVariableNames(template: string): string[] {
  const names = new Set<string>();
  for (const part of parseTemplate(template)) if (part.type === "variable") names.add(part.name);
  return [...names];
}

export function validateTemplate(template: string, available: readonly string[]): string[] {
  let names: string[];
  try {
    names = templateVariableNames(template);
  } catch (error) {
    if (error instanceof TemplateError) return [error.message];
    throw error;
  }
  const known = new Set(available);
  return names.filter((name) => !known.has(name)).map((name) => `Unknown variable "${name}".${unknownVariableHint(name, available)}`);
}

function unknownVariableHint(name: string, available: readonly string[]): string {
  if (available.length === 0) return " No variables are available here.";
  let best: { name: string; distance: number } | undefined;
  for (const candidate of available) {
    const distance = levenshtein(name, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best ? ` Did you mean "${best.name}"?` : ` Available here: ${available.join(", ")}.`;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function valueOf(values: TemplateValues, name: string): string {
  // Own properties only: a name like "inputs.constructor" must not reach Object.prototype.
  const value = Object.hasOwn(values, name) ? values[name] : undefined;
  if (value === undefined) throw new TemplateError(`No value for "${name}".`);
  return value;
}

export function renderTemplate(template: string, values: TemplateValues): string {
  return parseTemplate(template)
    .map((part) => (part.type === "text" ? part.value : valueOf(values, part.name)))
    .join("");
}

export function renderHeaderValue(template: string, values: TemplateValues): string {
  const rendered = renderTemplate(template, values);
  if (/[\r\n\0]/.test(rendered)) throw new TemplateError("Header values cannot contain line breaks.");
  return rendered;
}

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
// For http(s) the URL parser treats "\" like "/", so it ends the host and path segments too.
const AUTHORITY_END = /[/?#\\]/;
// The URL parser strips these (leading/trailing C0 and space; tabs and line breaks anywhere)
// before it reads the URL, so the text around them would not mean what it shows.
const STRIPPED_BY_URL_PARSER = /^[\x00-\x20]|[\x00-\x20]$|[\t\n\r]/;

/** Where a URL template's scheme, authority and host name stand, as indices into the template. */
interface UrlLayout {
  /** userinfo@host:port runs from authorityStart to authorityEnd. */
  authorityStart: number;
  authorityEnd: number;
  host: { start: number; end: number };
}

/**
 * Lays out a URL template the way the URL parser will read the rendered URL. A value can add
 * no delimiter (values before the end of the authority must be host names, the others are
 * percent-encoded), so the structure comes from the literal text alone: it is read with each
 * variable standing in as letters. After "scheme:" the parser skips any run of "/" and "\"
 * ("https:/x", "https:\\x" and "https:///x" all have the host x). Without a scheme the URL is
 * invalid, but everything before the first delimiter still counts as authority, so values
 * there get the strict host check.
 */
function urlLayout(template: string, parts: readonly TemplatePart[]): UrlLayout {
  if (STRIPPED_BY_URL_PARSER.test(template)) {
    throw new TemplateError("URLs cannot contain tabs or line breaks, or start or end with a space.");
  }
  const skeleton = parts.map((part) => (part.type === "text" ? part.value : "a".repeat(part.end - part.start))).join("");
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(skeleton);
  let authorityStart = scheme ? scheme[0].length : 0;
  if (scheme) while (skeleton[authorityStart] === "/" || skeleton[authorityStart] === "\\") authorityStart++;
  const length = skeleton.slice(authorityStart).search(AUTHORITY_END);
  const authorityEnd = length === -1 ? skeleton.length : authorityStart + length;
  // The host follows the last "@"; a ":" outside [brackets] starts the port.
  const at = skeleton.slice(authorityStart, authorityEnd).lastIndexOf("@");
  const hostStart = at === -1 ? authorityStart : authorityStart + at + 1;
  let hostEnd = authorityEnd;
  let inBrackets = false;
  for (let index = hostStart; index < authorityEnd; index++) {
    const char = skeleton[index];
    if (char === "[") inBrackets = true;
    else if (char === "]") inBrackets = false;
    else if (char === ":" && !inBrackets) {
      hostEnd = index;
      break;
    }
  }
  return {
    authorityStart,
    authorityEnd,
    host: { start: hostStart, end: hostEnd },
  };
}

const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?$/u;
// The URL parser reads a host whose last label is a number ("10.1.2", "a.0x1f") as an IPv4 address.
const NUMBER_LABEL = /^(?:[0-9]+|0x[0-9a-f]*)$/i;

/** ".tasklab.com": a dot, then a domain of two or more labels (the last not a number). */
function isDomainSuffix(text: string): boolean {
  if (!text.startsWith(".")) return false;
  const labels = text.slice(1).replace(/\.$/, "").split(".");
  return labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label)) && !NUMBER_LABEL.test(labels.at(-1) ?? "");
}

export interface AuthorityVariable {
  name: string;
  start: number;
  end: number;
  /** Where it stands: in the scheme, a username, the host name or the port. */
  place: "scheme" | "userinfo" | "host" | "port";
  /**
   * Host variables: the literal text after it up to the end of the host name — "" when the
   * host ends there or another variable follows.
   */
  suffix: string;
  /**
   * A host variable followed by a literal domain of two or more labels
   * (`{{inputs.subdomain}}.tasklab.com`): end users choose only a name under that domain.
   */
  subdomainOnly: boolean;
}

export interface UrlAuthority {
  /** The variables that stand before the end of the authority (scheme, username, host, port), in order. */
  variables: AuthorityVariable[];
  /** Where the host name stands in the template. */
  host: { start: number; end: number };
  /**
   * True when no value can choose the server: every variable there is `subdomainOnly`
   * (also when there is none).
   */
  domainFixed: boolean;
}

function describeAuthority(template: string, parts: readonly TemplatePart[], layout: UrlLayout): UrlAuthority {
  const variables: AuthorityVariable[] = [];
  const all = parts.filter((part) => part.type === "variable");
  for (const part of all) {
    if (part.start >= layout.authorityEnd) break;
    const place =
      part.start < layout.authorityStart
        ? "scheme"
        : part.start < layout.host.start
          ? "userinfo"
          : part.start < layout.host.end
            ? "host"
            : "port";
    const followed = all.some((other) => other.start >= part.end && other.start < layout.host.end);
    const suffix = place === "host" && !followed ? template.slice(part.end, layout.host.end) : "";
    variables.push({
      name: part.name,
      start: part.start,
      end: part.end,
      place,
      suffix,
      subdomainOnly: place === "host" && isDomainSuffix(suffix),
    });
  }
  return { variables, host: layout.host, domainFixed: variables.every((variable) => variable.subdomainOnly) };
}

/**
 * Which variables of a URL template stand where they choose the server — in the scheme, host
 * or port — and whether each is only a subdomain of a literal domain
 * (`https://{{inputs.subdomain}}.tasklab.com` is; `https://{{inputs.host}}`,
 * `https://{{inputs.host}}.com`, `https://api.{{inputs.tld}}` and
 * `https://x.tasklab.com:{{inputs.port}}` are not). Throws TemplateError like parseTemplate,
 * and for text the URL parser would strip.
 */
export function analyzeUrlAuthority(template: string): UrlAuthority {
  const parts = parseTemplate(template);
  return describeAuthority(template, parts, urlLayout(template, parts));
}

/**
 * Whether values could send a request built from this URL template to a server of their
 * choosing, when the resource does not allow any host: checked again when requests are sent,
 * so a configuration saved before the rule cannot bypass it.
 */
export function urlHostChosenByValues(template: string, allowAnyHost: boolean | undefined): boolean {
  if (allowAnyHost) return false;
  try {
    return !analyzeUrlAuthority(template).domainFixed;
  } catch (error) {
    if (error instanceof TemplateError) return true;
    throw error;
  }
}

/** For the wizard: does a variable stand in the scheme, host or port? False for a template that does not parse. */
export function urlTemplateSetsHost(template: string): boolean {
  try {
    return analyzeUrlAuthority(template).variables.length > 0;
  } catch (error) {
    if (error instanceof TemplateError) return false;
    throw error;
  }
}

// "%2e" counts as "." for the URL parser, so no encoding can make these literal segments.
function isDotSegment(segment: string): boolean {
  return /^(?:\.|%2e){1,2}$/i.test(segment);
}

/** The host name a literal domain suffix becomes in a URL (lower case, IDNA): ".TaskLab.com" → ".tasklab.com". */
function parsedSuffix(suffix: string): string | undefined {
  try {
    return new URL(`http://a${suffix}`).hostname.slice(1);
  } catch {
    return undefined;
  }
}

/**
 * Renders a URL template: values before the end of the authority must be host names (so they
 * can add no delimiter, username or port), values after it are percent-encoded and cannot be
 * "." or ".." path segments. A host value followed by a literal domain stays under it.
 */
export function renderUrl(template: string, values: TemplateValues): URL {
  const parts = parseTemplate(template);
  const layout = urlLayout(template, parts);
  const { authorityEnd } = layout;

  let rendered = "";
  let position = 0;
  let inPath = true;
  let segment = "";
  let segmentVariable: string | undefined;
  const endSegment = () => {
    if (segmentVariable !== undefined && isDotSegment(segment)) {
      throw new TemplateError(`"${segmentVariable}" cannot be "." or ".." in a URL path.`);
    }
    segment = "";
    segmentVariable = undefined;
  };
  const addPathText = (text: string) => {
    for (const char of text) {
      if (!inPath) break;
      if (char === "?" || char === "#") {
        endSegment();
        inPath = false;
      } else if (char === "/" || char === "\\") {
        endSegment();
      } else {
        segment += char;
      }
    }
  };

  for (const part of parts) {
    if (part.type === "text") {
      const end = position + part.value.length;
      if (end > authorityEnd) addPathText(part.value.slice(Math.max(0, authorityEnd - position)));
      rendered += part.value;
      position = end;
      continue;
    }
    const value = valueOf(values, part.name);
    if (part.start < authorityEnd) {
      if (!HOST_NAME.test(value)) {
        throw new TemplateError(
          `"${part.name}" must be a host name (letters, digits, dots and hyphens) to be used in the host.`,
          part.start,
        );
      }
      rendered += value;
    } else {
      // toWellFormed: encodeURIComponent throws on lone surrogates; the URL parser would
      // turn them into U+FFFD anyway.
      const encoded = encodeURIComponent(value.toWellFormed());
      if (inPath) {
        segment += encoded;
        segmentVariable ??= part.name;
      }
      rendered += encoded;
    }
    position = part.end;
  }
  if (inPath) endSegment();

  let url: URL;
  try {
    url = new URL(rendered);
  } catch {
    throw new TemplateError(`"${rendered}" is not a valid URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TemplateError("Only http:// and https:// URLs are allowed.");
  }
  if (url.username || url.password) throw new TemplateError("URLs cannot contain a username or password.");
  // Host values are host names, so this holds by construction; checked anyway, as it is what
  // keeps an end user's value from choosing the server.
  for (const variable of describeAuthority(template, parts, layout).variables) {
    if (!variable.subdomainOnly) continue;
    const suffix = parsedSuffix(variable.suffix);
    if (!suffix || !url.hostname.endsWith(suffix) || url.hostname.length <= suffix.length) {
      throw new TemplateError(`"${variable.name}" must stay in front of "${variable.suffix}" in the host.`, variable.start);
    }
  }
  return url;
}

/**
 * A path template relative to a base URL (`/users/{{inputs.id}}/tasks`), rendered like every URL
 * template: inserted values are percent-encoded, so they cannot climb out of the base path
 * (`../`), add a query or change the host.
 */
export function renderPathTemplate(template: string, values: TemplateValues): string {
  const origin = "http://path.invalid";
  const url = renderUrl(`${origin}${template.startsWith("/") ? "" : "/"}${template}`, values);
  if (url.origin !== origin) throw new TemplateError("The path must stay under the API Base URL.");
  return `${url.pathname}${url.search}`;
}

export function findVariableQuery(text: string, cursor: number): { start: number; query: string } | undefined {
  const before = text.slice(0, cursor);
  const start = before.lastIndexOf("{{");
  if (start === -1) return undefined;
  const typed = before.slice(start + 2);
  if (!/^\s*[A-Za-z0-9_.]*$/.test(typed)) return undefined;
  return { start, query: typed.trim() };
}

export function insertVariable(text: string, query: { start: number }, cursor: number, name: string): { text: string; cursor: number } {
  const token = `{{${name}}}`;
  // When the caret is inside an existing token ("{{inp|uts.a }}"), replace the whole token
  // rather than leaving its tail behind.
  const rest = text.slice(cursor).replace(/^[A-Za-z0-9_.]*\s*\}\}/, "");
  return { text: text.slice(0, query.start) + token + rest, cursor: query.start + token.length };
}
