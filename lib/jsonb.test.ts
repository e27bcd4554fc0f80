import { describe, expect, it } from "vitest";
import { findUnstorableText, findUnstorableTextKeys, storableJson } from "./jsonb";

describe("findUnstorableText", () => {
  it("names the first string or key holding NUL or a lone surrogate, and nothing in storable JSON", () => {
    expect(findUnstorableText({ a: [1, "ok", { b: "x\u0000" }] }, "payload")).toBe("payload.a[2].b");
    expect(findUnstorableText({ "the key": "\ud800" }, "body")).toBe('body["the key"]');
    expect(findUnstorableText({ "\u0000": 1 }, "body")).toBe('body["\\u0000"]');
    expect(findUnstorableText({ emoji: "😀", nested: { list: [null, true, 2.5] } }, "payload")).toBeUndefined();
    expect(findUnstorableText(`${"a".repeat(300)}\u0000`, "x")).toBe("x");
  });

  it("cuts a long path at 200 characters, never inside a surrogate pair", () => {
    const found = findUnstorableText({ [`${"a".repeat(196)}😀😀`]: "\u0000" }, "p")!;
    expect(found.endsWith("…")).toBe(true);
    expect(found.length).toBeLessThanOrEqual(201);
    expect(found.isWellFormed()).toBe(true);
  });
});

describe("findUnstorableTextKeys", () => {
  it("gives the keys and indexes to the first text jsonb refuses, [] for such a string itself", () => {
    expect(findUnstorableTextKeys({ steps: [{ path: "/ok" }, { path: "/a\u0000" }] })).toEqual(["steps", 1, "path"]);
    expect(findUnstorableTextKeys({ ok: "x", "bad\ud800": "y" })).toEqual(["bad\ud800"]);
    expect(findUnstorableTextKeys("\udfff")).toEqual([]);
    expect(findUnstorableTextKeys({ name: "TaskLab", list: [1, null, { a: "😀" }] })).toBeUndefined();
  });
});

describe("storableJson", () => {
  it("puts U+FFFD in place of NUL and lone surrogates, in values and keys, and keeps the rest", () => {
    expect(storableJson({ "k\u0000": ["a\u0000b", "\udc00x", "😀", 1, null], ok: { deep: "fine" } })).toEqual({
      "k\ufffd": ["a\ufffdb", "\ufffdx", "😀", 1, null],
      ok: { deep: "fine" },
    });
    expect(storableJson("plain")).toBe("plain");
  });
});

describe("at any depth", () => {
  // Recursive versions threw RangeError (a 500) on a few thousand nested arrays.
  const nested = (depth: number, leaf: unknown): unknown => {
    let value = leaf;
    for (let level = 0; level < depth; level++) value = [value];
    return value;
  };

  it("finds and replaces text jsonb refuses 100,000 levels down, without running out of stack", () => {
    const keys = findUnstorableTextKeys(nested(100_000, "a\u0000"));
    expect(keys).toHaveLength(100_000);
    expect(keys!.every((key) => key === 0)).toBe(true);
    expect(findUnstorableTextKeys(nested(100_000, "fine"))).toBeUndefined();
    let copy = storableJson(nested(100_000, { "\u0000": "b\ud800" }));
    for (let level = 0; level < 100_000; level++) copy = (copy as unknown[])[0];
    expect(copy).toEqual({ "\ufffd": "b\ufffd" });
  });

  it("keeps a __proto__ key an own property when it copies", () => {
    const copy = storableJson(JSON.parse('{"__proto__": {"polluted": "\\u0000"}}') as Record<string, unknown>);
    expect(Object.hasOwn(copy, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
