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

/** The keys (and array indexes) that lead to the first key or string in `value` jsonb refuses: [] when `value` is such a string, undefined when there is none. */
export function findUnstorableTextKeys(value: unknown): (string | number)[] | undefined {
  if (typeof value === "string") return unstorable(value) ? [] : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorableTextKeys(item);
      if (found) return [index, ...found];
    }
    return undefined;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (unstorable(key)) return [key];
      const found = findUnstorableTextKeys(item);
      if (found) return [key, ...found];
    }
  }
  return undefined;
}

/** Where `value` holds text jsonb refuses, as a path from `path` (`payload.items[2]["a b"]`, at most 200 characters); undefined when nowhere. */
export function findUnstorableText(value: unknown, path: string): string | undefined {
  const keys = findUnstorableTextKeys(value);
  if (!keys) return undefined;
  // JSON.stringify escapes NUL and lone surrogates: the path itself is storable text.
  const found = keys.reduce<string>(
    (at, key) => (typeof key === "number" ? `${at}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`),
    path,
  );
  return found.length > 200 ? `${found.slice(0, 200).toWellFormed()}…` : found;
}

/** What a refusal says of text jsonb refuses, found at `at` (findUnstorableText) when a field does not already say where. */
export function unstorableTextMessage(at?: string): string {
  return `A NUL character or a lone surrogate cannot be stored${at ? ` (at ${at})` : ""}.`;
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
