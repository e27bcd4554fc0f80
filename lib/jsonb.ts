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
  // Depth-first in document order with an explicit stack (no recursion: any depth is safe); each
  // entry links to its parent, so the path is built only for the one found.
  type Entry = { key: string | number | undefined; value: unknown; parent: Entry | undefined };
  const pathOf = (entry: Entry): (string | number)[] => {
    const keys: (string | number)[] = [];
    for (let at: Entry | undefined = entry; at?.key !== undefined; at = at.parent) keys.push(at.key);
    return keys.reverse();
  };
  const pending: Entry[] = [{ key: undefined, value, parent: undefined }];
  while (pending.length) {
    const entry = pending.pop()!;
    // An object's key is checked before its value, as the document reads.
    if (typeof entry.key === "string" && unstorable(entry.key)) return pathOf(entry);
    const item = entry.value;
    if (typeof item === "string") {
      if (unstorable(item)) return pathOf(entry);
    } else if (item && typeof item === "object") {
      const children: [string | number, unknown][] = Array.isArray(item) ? [...item.entries()] : Object.entries(item);
      for (let index = children.length - 1; index >= 0; index--)
        pending.push({ key: children[index]![0], value: children[index]![1], parent: entry });
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
    (at, key) =>
      typeof key === "number" ? `${at}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`,
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
  // A copy built with an explicit stack (no recursion: any depth is safe).
  const copy = (item: unknown, pending: [object, unknown[] | Record<string, unknown>][]): unknown => {
    if (typeof item === "string") return storable(item);
    if (!item || typeof item !== "object") return item;
    const target: unknown[] | Record<string, unknown> = Array.isArray(item) ? [] : {};
    pending.push([item, target]);
    return target;
  };
  const pending: [object, unknown[] | Record<string, unknown>][] = [];
  const result = copy(value, pending);
  while (pending.length) {
    const [source, target] = pending.pop()!;
    if (Array.isArray(source)) {
      for (const item of source) (target as unknown[]).push(copy(item, pending));
    } else {
      for (const [key, item] of Object.entries(source)) {
        // defineProperty, as Object.fromEntries: a `__proto__` key stays an own property.
        Object.defineProperty(target, storable(key), { value: copy(item, pending), enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return result as T;
}
