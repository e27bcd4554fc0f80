// What PostgreSQL's jsonb (and text) can hold: no NUL (U+0000) and no lone surrogate, in a
// value or in a key. JSON itself allows both ("\u0000", "\ud800"); a statement that stores one
// fails whole. So what a caller sends is refused, naming where, and what Switchboard keeps of an
// API's answer has such text replaced by U+FFFD.

function unstorable(text: string): boolean {
  return text.includes("\u0000") || !text.isWellFormed();
}

function storable(text: string): string {
  return unstorable(text) ? text.replaceAll("\u0000", "\ufffd").toWellFormed() : text;
}

/** Where `value` holds text jsonb refuses, as a path from `path` (`payload.items[2]["a b"]`, at most 200 characters); undefined when nowhere. */
export function findUnstorableText(value: unknown, path: string): string | undefined {
  const found = unstorableAt(value, path);
  return found && found.length > 200 ? `${found.slice(0, 200).toWellFormed()}…` : found;
}

function unstorableAt(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return unstorable(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unstorableAt(item, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      // JSON.stringify escapes NUL and lone surrogates: the path itself is storable text.
      const keyPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (unstorable(key)) return keyPath;
      const found = unstorableAt(item, keyPath);
      if (found) return found;
    }
  }
  return undefined;
}

/** What a refusal says of text jsonb refuses, found at `at` (findUnstorableText). */
export function unstorableTextMessage(at: string): string {
  return `A NUL character or a lone surrogate cannot be stored (at ${at}).`;
}

/** `value` (parsed JSON, or a string) with every key and string jsonb refuses made storable (U+FFFD in place). */
export function storableJson<T>(value: T): T {
  if (typeof value === "string") return storable(value) as T;
  if (Array.isArray(value)) return value.map(storableJson) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [storable(key), storableJson(item)])) as T;
  }
  return value;
}
