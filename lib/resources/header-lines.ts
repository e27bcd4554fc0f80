import { z } from "zod";

// An HTTP header name (RFC 9110 token): what the request API accepts.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Control characters other than tab cannot be sent in a header value.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000a-\u001f\u007f]/;

export const MAX_HEADER_VALUE_LENGTH = 8192;
export const MAX_HEADER_LINES_LENGTH = 64 * 1024;

export type HeaderLines = { ok: true; headers: Record<string, string> } | { ok: false; errors: string[] };

function shorten(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Headers typed one per line as `Name: value`: blank lines are skipped, names and values
 * trimmed, and the first colon ends the name. Each bad line gets an error naming it, and so
 * does a header given twice (names compare case-insensitively).
 */
export function parseHeaderLines(text: string): HeaderLines {
  // Entries rather than assignments, so a header named __proto__ is only a header.
  const entries: [string, string][] = [];
  const seen = new Set<string>();
  const errors: string[] = [];
  text.split(/\r\n|\r|\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (!line) return;
    const where = `Line ${index + 1}`;
    const colon = line.indexOf(":");
    if (colon === -1) {
      errors.push(`${where}: write the header as Name: value.`);
      return;
    }
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (!name) {
      errors.push(`${where}: the header has no name before the colon.`);
    } else if (!HEADER_NAME.test(name)) {
      errors.push(`${where}: “${shorten(name)}” is not a valid header name.`);
    } else if (value.length > MAX_HEADER_VALUE_LENGTH) {
      errors.push(`${where}: the value of ${shorten(name)} is over ${MAX_HEADER_VALUE_LENGTH} characters.`);
    } else if (CONTROL_CHARACTER.test(value)) {
      errors.push(`${where}: the value of ${shorten(name)} has a control character.`);
    } else if (seen.has(name.toLowerCase())) {
      errors.push(`${where}: ${shorten(name)} is given twice; give each header once.`);
    } else {
      seen.add(name.toLowerCase());
      entries.push([name, value]);
    }
  });
  return errors.length ? { ok: false, errors } : { ok: true, headers: Object.fromEntries(entries) };
}

/**
 * A headers textarea, parsed to the headers object the request API takes. One issue
 * (a form shows one message a field) names the first few bad lines.
 */
export const headerLinesSchema = z
  .string()
  .max(MAX_HEADER_LINES_LENGTH, { error: `Use at most ${MAX_HEADER_LINES_LENGTH / 1024} KB of headers.` })
  .transform((text, ctx) => {
    const parsed = parseHeaderLines(text);
    if (parsed.ok) return parsed.headers;
    const more = parsed.errors.length - 3;
    const message = [...parsed.errors.slice(0, 3), ...(more > 0 ? [`(${more} more)`] : [])].join(" ");
    ctx.issues.push({ code: "custom", message, input: text });
    return z.NEVER;
  });
