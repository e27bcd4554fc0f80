import { AppError } from "@/lib/errors";
import type { RequiredKey } from "@/lib/resources/required-keys";

const MAX_VALUE_LENGTH = 16 * 1024;

/**
 * Checks a connect body against the resource's required keys, naming every missing, unknown,
 * non-string, too long or NUL-holding key. Prototype-safe: only the body's own keys count,
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
    // PostgreSQL refuses NUL in text, and no credential needs one.
    else if (value.includes("\u0000")) fields.set(name, "Must not contain NUL characters.");
  }
  for (const key of keys) {
    const value = own(key.key);
    if (!key.optional && (value === undefined || (typeof value === "string" && !value.trim())) && !fields.has(key.key)) {
      fields.set(key.key, "Required.");
    }
  }
  if (fields.size) {
    throw new AppError("invalid_credentials_payload", {
      message: `The body does not match the resource's required keys: ${[...fields.keys()].join(", ")}.`,
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
