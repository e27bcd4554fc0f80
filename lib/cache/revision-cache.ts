/**
 * A bounded, per-process cache (least recently used out first) whose entries hold for one
 * revision of what they were read from: a reader names the revision it knows to be current
 * (read from the database in the statement it needs anyway) and gets nothing older. Loads of
 * one key share a promise, so a cold key under load is read once; a failed load, or one that
 * found nothing (`value` undefined: ids that do not exist must not push real entries out), is
 * not kept.
 */
export class RevisionCache<V> {
  readonly #entries = new Map<string, { revision: number; value: Promise<V> }>();

  constructor(readonly maxEntries: number) {}

  /** The value at `revision`, loading it when the cache holds none (or an older one). */
  get(key: string, revision: number, load: () => Promise<{ revision: number; value: V }>): Promise<V> {
    const entry = this.#entries.get(key);
    if (entry && entry.revision >= revision) {
      this.#touch(key, entry);
      return entry.value;
    }
    return this.#load(key, revision, load);
  }

  /** Whatever the cache holds for `key`, at the revision it was read at (not checked against the database). */
  peek(key: string): { revision: number; value: Promise<V> } | undefined {
    return this.#entries.get(key);
  }

  /** Loads `key` afresh and keeps it under the revision the load read. */
  refresh(key: string, load: () => Promise<{ revision: number; value: V }>): Promise<V> {
    return this.#load(key, -1, load);
  }

  #load(key: string, atLeast: number, load: () => Promise<{ revision: number; value: V }>): Promise<V> {
    const loading = load();
    const value = loading.then((loaded) => loaded.value);
    // Kept under the revision asked for until the load says which one it read.
    const entry = { revision: atLeast, value };
    this.#touch(key, entry);
    loading.then(
      (loaded) => {
        if (this.#entries.get(key) !== entry) return;
        if (loaded.value === undefined) this.#entries.delete(key);
        else entry.revision = Math.max(loaded.revision, atLeast);
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return value;
  }

  #touch(key: string, entry: { revision: number; value: Promise<V> }): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
