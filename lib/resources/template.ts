/**
 * Templates: plain text with `{{ namespace.key }}` placeholders, used in the HTTP API
 * configuration users write (URLs, header values, bodies). There are no expressions,
 * so a template can only ever insert a named value.
 */

export const TEMPLATE_NAMESPACES = ["inputs", "credentials", "profile"] as const;
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
const VARIABLE = new RegExp(
  `^(?:(?<namespace>inputs|credentials)\\.(?<key>${IDENTIFIER})|(?<profile>profile)\\.(?<path>${IDENTIFIER}(?:\\.${IDENTIFIER})*))$`,
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
      throw new TemplateError(
        `"${token}" is not a variable: use {{ inputs.name }}, {{ credentials.name }} or {{ profile.name }}.`,
        open,
      );
    }
    const namespace = (groups.namespace ?? groups.profile) as TemplateNamespace;
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

/**
 * Where scheme + host[:port] ends in the template. Without a literal "://" the URL parser
 * may still read a host from the start (e.g. "https:{{inputs.a}}/x"), so everything before
 * the first delimiter counts as authority: values there get the strict host check.
 */
function authorityEnd(template: string): number {
  const first = template.search(AUTHORITY_END);
  if (first === -1) return template.length;
  if (first > 0 && template[first - 1] === ":" && template.startsWith("//", first)) {
    const end = template.slice(first + 2).search(AUTHORITY_END);
    return end === -1 ? template.length : first + 2 + end;
  }
  return first;
}

// "%2e" counts as "." for the URL parser, so no encoding can make these literal segments.
function isDotSegment(segment: string): boolean {
  return /^(?:\.|%2e){1,2}$/i.test(segment);
}

export function renderUrl(template: string, values: TemplateValues): URL {
  const parts = parseTemplate(template);
  const hostEnd = authorityEnd(template);

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
      if (end > hostEnd) addPathText(part.value.slice(Math.max(0, hostEnd - position)));
      rendered += part.value;
      position = end;
      continue;
    }
    const value = valueOf(values, part.name);
    if (part.start < hostEnd) {
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
  return url;
}

export function findVariableQuery(text: string, cursor: number): { start: number; query: string } | undefined {
  const before = text.slice(0, cursor);
  const start = before.lastIndexOf("{{");
  if (start === -1) return undefined;
  const typed = before.slice(start + 2);
  if (!/^\s*[A-Za-z0-9_.]*$/.test(typed)) return undefined;
  return { start, query: typed.trim() };
}

export function insertVariable(
  text: string,
  query: { start: number },
  cursor: number,
  name: string,
): { text: string; cursor: number } {
  const token = `{{${name}}}`;
  // When the caret is inside an existing token ("{{inp|uts.a }}"), replace the whole token
  // rather than leaving its tail behind.
  const rest = text.slice(cursor).replace(/^[A-Za-z0-9_.]*\s*\}\}/, "");
  return { text: text.slice(0, query.start) + token + rest, cursor: query.start + token.length };
}
