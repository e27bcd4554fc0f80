import { describe, expect, it } from "vitest";
import { jsonNestsDeeperThan, MAX_JSON_DEPTH, PAGE_JSON_BYTES, prettyBody, prettyJson, shownJson } from "./json";

const nestedText = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("jsonNestsDeeperThan", () => {
  it("counts [ and { outside strings: 64 levels pass, 65 do not", () => {
    expect(jsonNestsDeeperThan(nestedText(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestsDeeperThan(nestedText(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonNestsDeeperThan(`${'{"a":'.repeat(65)}1${"}".repeat(65)}`)).toBe(true);
    // Brackets inside strings, escaped quotes included, are text.
    expect(jsonNestsDeeperThan(JSON.stringify({ text: "[".repeat(500), quote: '"[[[' }))).toBe(false);
    // Side by side is not nested.
    expect(jsonNestsDeeperThan(`[${Array.from({ length: 1000 }, () => nestedText(60)).join(",")}]`)).toBe(false);
  });

  it("stays linear on 100,000 levels", () => {
    const started = performance.now();
    expect(jsonNestsDeeperThan(nestedText(100_000))).toBe(true);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("prettyJson", () => {
  it("writes what JSON.stringify(value, null, 2) writes", () => {
    const values: unknown[] = [
      { a: [1, "two", null, true, { b: [] }, {}], 'k"ey': "v\u0000", nested: { deep: [[["x"]]] } },
      [undefined, () => 1, 1.5],
      { skipped: undefined, date: new Date(0) },
      "text",
      42,
      null,
      [],
    ];
    for (const value of values)
      expect(prettyJson(value, { maxBytes: 1_000_000 })).toEqual({ text: JSON.stringify(value, null, 2), truncated: false });
  });

  it("stops at maxBytes of UTF-8, marked truncated, never splitting a character", () => {
    const value = { list: Array.from({ length: 1000 }, (_, index) => `😀 item ${index}`) };
    const { text, truncated } = prettyJson(value, { maxBytes: 1000 });
    expect(truncated).toBe(true);
    expect(new TextEncoder().encode(text).length).toBeLessThanOrEqual(1000);
    expect(text.isWellFormed()).toBe(true);
    expect(JSON.stringify(value, null, 2).startsWith(text)).toBe(true);
  });

  it("bounds a 40 KB body of nested arrays to 256 KB, quickly (it printed 200 MB)", () => {
    const body = nestedText(20_000); // 40 KB
    expect(body.length).toBe(40_000);
    // What a page shows of it: refused as JSON (too deep), so its text as it came.
    const shown = prettyBody(body, { maxBytes: 256 * 1024 });
    expect(shown).toEqual({ text: body, truncated: false });
    // And a value that deep (an old row), printed without recursion and within the bound.
    let value: unknown = [];
    for (let level = 0; level < 20_000; level++) value = [value];
    const started = performance.now();
    const printed = prettyJson(value, { maxBytes: 256 * 1024 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(printed.truncated).toBe(true);
    expect(new TextEncoder().encode(printed.text).length).toBeLessThanOrEqual(256 * 1024);
  });

  it("is linear: a 64-deep, 1 MB value prints its first 256 KB in about the time of a small one", () => {
    let value: unknown = Array.from({ length: 20_000 }, (_, index) => ({ index, name: `item ${index}` }));
    for (let level = 0; level < 62; level++) value = [value];
    const started = performance.now();
    const printed = prettyJson(value, { maxBytes: 256 * 1024 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(printed.truncated).toBe(true);
    expect(printed.text.length).toBeLessThanOrEqual(256 * 1024);
  });
});

describe("prettyBody", () => {
  it("indents JSON text, keeps other text, and cuts both at maxBytes", () => {
    expect(prettyBody('{"a":1}', { maxBytes: 100 })).toEqual({ text: '{\n  "a": 1\n}', truncated: false });
    expect(prettyBody("plain text", { maxBytes: 100 })).toEqual({ text: "plain text", truncated: false });
    expect(prettyBody("x".repeat(200), { maxBytes: 100 })).toEqual({ text: "x".repeat(100), truncated: true });
    expect(prettyBody({ a: [1] }, { maxBytes: 100 }).text).toBe('{\n  "a": [\n    1\n  ]\n}');
  });
});

describe("shownJson", () => {
  it("prints 256 KB a step, from ?more=, up to 64 steps", () => {
    expect(shownJson(undefined)).toEqual({ bytes: PAGE_JSON_BYTES, moreHref: "?more=2" });
    expect(shownJson("3")).toEqual({ bytes: 3 * PAGE_JSON_BYTES, moreHref: "?more=4" });
    expect(shownJson(["2", "9"])).toEqual({ bytes: 2 * PAGE_JSON_BYTES, moreHref: "?more=3" });
    expect(shownJson("x")).toEqual({ bytes: PAGE_JSON_BYTES, moreHref: "?more=2" });
    expect(shownJson("-5")).toEqual({ bytes: PAGE_JSON_BYTES, moreHref: "?more=2" });
    expect(shownJson("1000")).toEqual({ bytes: 64 * PAGE_JSON_BYTES });
  });
});
