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
