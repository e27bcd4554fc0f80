// JSON Switchboard takes in and shows, bounded. Deeply nested JSON costs more than its size:
// recursive code (ours, JSON.stringify's) runs out of stack on it, and indenting it for a page
// grows with depth × size (a 40 KB body of nested arrays printed as 200 MB). So every JSON
// input is refused past MAX_JSON_DEPTH, measured on the raw text before it is parsed, an API's
// answer nested deeper is kept as text, and pages print at most a given number of bytes.

/** How deeply arrays and objects may nest in any JSON Switchboard takes in. */
export const MAX_JSON_DEPTH = 64;

export const JSON_TOO_DEEP_MESSAGE = `The JSON nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep: at most ${MAX_JSON_DEPTH} are accepted.`;

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`: one linear scan of the
 * raw text counting `[` and `{` outside strings, with no recursion and no parse, so it is
 * safe on any input (invalid JSON included: JSON.parse judges that afterwards).
 */
export function jsonNestsDeeperThan(text: string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c /* \ */) index++;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) depth--;
  }
  return false;
}

export interface PrettyJson {
  text: string;
  /** The text stops at maxBytes: there is more. */
  truncated: boolean;
}

/** UTF-8 length of a string, without Buffer (this also runs in the browser). */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0x800) bytes += code >= 0xd800 && code <= 0xdbff ? 1 : 2;
    else if (code >= 0x80) bytes += 1;
  }
  return bytes;
}

/** The longest start of `text` within `maxBytes` of UTF-8, never splitting a surrogate pair. */
function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    const pair = code >= 0xd800 && code <= 0xdbff && index + 1 < text.length;
    const size = pair ? 4 : code >= 0x800 ? 3 : code >= 0x80 ? 2 : 1;
    if (bytes + size > maxBytes) break;
    bytes += size;
    index += pair ? 2 : 1;
  }
  return text.slice(0, index);
}

type Frame = { close: string; indent: string; entries: [string | undefined, unknown][]; next: number };

/**
 * `value` as JSON indented by two spaces — the same text as `JSON.stringify(value, null, 2)` —
 * but at most `maxBytes` of it (UTF-8), `truncated` when there was more. Linear in what it
 * writes and iterative (an explicit stack), so neither depth nor size can make it throw or
 * build more than `maxBytes`: it stops as soon as the limit is reached.
 */
export function prettyJson(value: unknown, { maxBytes }: { maxBytes: number }): PrettyJson {
  const parts: string[] = [];
  let bytes = 0;
  let full = false;
  const write = (part: string) => {
    if (full) return;
    const size = utf8Length(part);
    if (bytes + size > maxBytes) {
      parts.push(utf8Prefix(part, maxBytes - bytes));
      full = true;
      return;
    }
    parts.push(part);
    bytes += size;
  };
  const stack: Frame[] = [];

  // Writes one value: a scalar at once, an array or object by opening a frame.
  const open = (item: unknown, indent: string) => {
    const json = item && typeof (item as { toJSON?: unknown }).toJSON === "function" ? (item as { toJSON: () => unknown }).toJSON() : item;
    if (json === null || typeof json !== "object") {
      write(JSON.stringify(json) ?? "null");
      return;
    }
    const entries: [string | undefined, unknown][] = Array.isArray(json)
      ? json.map((element) => [undefined, element])
      : Object.entries(json).filter(([, element]) => element !== undefined && typeof element !== "function" && typeof element !== "symbol");
    const [start, close] = Array.isArray(json) ? ["[", "]"] : ["{", "}"];
    if (!entries.length) {
      write(`${start}${close}`);
      return;
    }
    write(start);
    stack.push({ close, indent, entries, next: 0 });
  };

  if (value === undefined) return { text: "", truncated: false };
  open(value, "");
  while (stack.length && !full) {
    const frame = stack[stack.length - 1]!;
    if (frame.next === frame.entries.length) {
      stack.pop();
      write(`\n${frame.indent}${frame.close}`);
      continue;
    }
    const [key, element] = frame.entries[frame.next]!;
    const inner = `${frame.indent}  `;
    write(`${frame.next ? "," : ""}\n${inner}${key === undefined ? "" : `${JSON.stringify(key)}: `}`);
    frame.next++;
    // In an array, what JSON cannot hold reads null, as JSON.stringify writes it.
    open(element === undefined || typeof element === "function" || typeof element === "symbol" ? null : element, inner);
  }
  return { text: parts.join(""), truncated: full };
}

/** Text as a page shows it: at most `maxBytes` of it. */
export function boundedText(text: string, { maxBytes }: { maxBytes: number }): PrettyJson {
  return utf8Length(text) > maxBytes ? { text: utf8Prefix(text, maxBytes), truncated: true } : { text, truncated: false };
}

/**
 * An API's answer as it is kept and shown: parsed when its Content-Type says JSON and it parses
 * within MAX_JSON_DEPTH; otherwise its text (deeper JSON would reach recursive code later).
 */
export function parseJsonAnswer(contentType: string | undefined, body: string): unknown {
  if (!/\bjson\b/i.test(contentType ?? "") || jsonNestsDeeperThan(body)) return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/** A body as a page shows it, at most `maxBytes`: JSON indented (also JSON that came as text), anything else as it is. */
export function prettyBody(body: unknown, { maxBytes }: { maxBytes: number }): PrettyJson {
  if (typeof body !== "string") return prettyJson(body, { maxBytes });
  if (!jsonNestsDeeperThan(body)) {
    try {
      return prettyJson(JSON.parse(body), { maxBytes });
    } catch {
      // Not JSON: shown as it came.
    }
  }
  return boundedText(body, { maxBytes });
}

/** What a page prints of one JSON value at first; each "Show more" adds as much again. */
export const PAGE_JSON_BYTES = 256 * 1024;
/** "Show more" stops here (16 MB): past it a page would be too heavy to be of use. */
const MAX_PAGE_JSON_STEPS = 64;

/**
 * How much of each JSON value a page prints, from its `?more=` search parameter (n steps of
 * PAGE_JSON_BYTES; 1 when absent or not a number), and the link that prints one step more
 * (absent at the last step).
 */
export function shownJson(more: unknown): { bytes: number; moreHref?: string } {
  const requested = Number(Array.isArray(more) ? more[0] : more);
  const steps = Number.isInteger(requested) ? Math.min(Math.max(requested, 1), MAX_PAGE_JSON_STEPS) : 1;
  return { bytes: steps * PAGE_JSON_BYTES, ...(steps < MAX_PAGE_JSON_STEPS ? { moreHref: `?more=${steps + 1}` } : {}) };
}

/** A JSON object (or an object a row holds): not null, not an array, not a Date. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** JSON with object keys sorted: the same text whatever order the keys were stored in (jsonb hands them back in an order of its own). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, node: unknown) =>
    isPlainObject(node) ? Object.fromEntries(Object.entries(node).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : node,
  );
}
