import { AppError } from "@/lib/errors";
import type { RequiredKey } from "@/lib/resources/required-keys";

/** The longest credential value a connect body may hold, in characters. */
export const MAX_VALUE_LENGTH = 16 * 1024;
// What Node's HTTP client sends in a header value: a control character or a character beyond
// U+00FF would fail the request itself, after the body was accepted (a 502, not a 400).
const HEADER_TEXT = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * What keeps a credential value from being stored and sent as it is, if anything; the connect body
 * and the test credentials both check it.
 */
export function credentialValueProblem(key: RequiredKey, value: string): string | undefined {
  // PostgreSQL refuses NUL in text, and no credential needs one.
  if (value.includes("\u0000")) return "Must not contain NUL characters.";
  // It could be neither stored (PostgreSQL keeps UTF-8) nor sent (nor encoded for masking) as it is.
  if (!value.isWellFormed()) return "Must not contain a lone surrogate (half of a character): it is not text.";
  if (key.header && !HEADER_TEXT.test(value))
    return "Must be text an HTTP header can carry: no control characters, and no characters beyond U+00FF.";
  return undefined;
}

/** What a connect body that does not match the resource's required keys hears (400 invalid_credentials_payload). */
export const credentialsPayloadMessage = (keys: readonly string[]) =>
  `The body does not match the resource's required keys: ${keys.join(", ")}.`;

/**
 * Checks a connect body against the resource's required keys, naming every missing, unknown,
 * non-string, too long, NUL- or lone-surrogate-holding key, and every header value that a header
 * cannot carry. Prototype-safe: only the body's own keys count,
 * so `__proto__`, `constructor` or `toString` are unknown keys like any other (JSON.parse
 * makes `__proto__` an own property, which a plain object's setter would swallow).
 */
export function validateConnectBody(body: Record<string, unknown>, keys: readonly RequiredKey[]): Record<string, string> {
  const fields = new Map<string, string>();
  const known = new Map(keys.map((key) => [key.key, key]));
  const own = (name: string): unknown => (Object.hasOwn(body, name) ? body[name] : undefined);
  for (const [name, value] of Object.entries(body)) {
    if (!known.has(name)) fields.set(name, "Unknown key: this resource does not take it.");
    else if (typeof value !== "string") fields.set(name, "Must be a string.");
    else if (value.length > MAX_VALUE_LENGTH) fields.set(name, `Must be at most ${MAX_VALUE_LENGTH} characters.`);
    else {
      const problem = credentialValueProblem(known.get(name)!, value);
      if (problem) fields.set(name, problem);
    }
  }
  for (const key of keys) {
    const value = own(key.key);
    if (!key.optional && (value === undefined || (typeof value === "string" && !value.trim())) && !fields.has(key.key)) {
      fields.set(key.key, "Required.");
    }
  }
  if (fields.size) {
    throw new AppError("invalid_credentials_payload", {
      message: credentialsPayloadMessage([...fields.keys()]),
      // Object.fromEntries defines own properties, so a `__proto__` key is named, not swallowed.
      fields: Object.fromEntries(fields),
    });
  }
  return Object.fromEntries(
    keys.flatMap((key) => {
      const value = own(key.key);
      return typeof value === "string" && value ? [[key.key, value] as const] : [];
    }),
  );
}
