import { describe, expect, it } from "vitest";
import { headerLinesSchema, MAX_HEADER_VALUE_LENGTH, parseHeaderLines } from "./header-lines";

describe("parseHeaderLines", () => {
  it("reads one Name: value a line, trimmed, skipping blank lines", () => {
    expect(parseHeaderLines('Accept: application/json\n\n  X-Trace-Id :  abc 123  \r\nIf-None-Match: "v1"\r\n')).toEqual({
      ok: true,
      headers: { Accept: "application/json", "X-Trace-Id": "abc 123", "If-None-Match": '"v1"' },
    });
  });

  it("gives no headers for an empty or blank text", () => {
    expect(parseHeaderLines("")).toEqual({ ok: true, headers: {} });
    expect(parseHeaderLines(" \n\t\n")).toEqual({ ok: true, headers: {} });
  });

  it("ends the name at the first colon, so values may hold colons", () => {
    expect(parseHeaderLines("Referer: https://app.example.com:8443/a?b=c:d")).toEqual({
      ok: true,
      headers: { Referer: "https://app.example.com:8443/a?b=c:d" },
    });
  });

  it("accepts an empty value", () => {
    expect(parseHeaderLines("X-Empty:")).toEqual({ ok: true, headers: { "X-Empty": "" } });
  });

  it("keeps a header named __proto__ as a header, not a prototype", () => {
    const parsed = parseHeaderLines("__proto__: x");
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(Object.getPrototypeOf(parsed.headers)).toBe(Object.prototype);
    expect(Object.keys(parsed.headers)).toEqual(["__proto__"]);
    expect(Object.getOwnPropertyDescriptor(parsed.headers, "__proto__")?.value).toBe("x");
  });

  it.each([
    ["Accept application/json", "Line 1: write the header as Name: value."],
    ["Accept: */*\n: value", "Line 2: the header has no name before the colon."],
    ["Content Type: text/plain", "Line 1: “Content Type” is not a valid header name."],
    ["X-Ünicode: 1", "Line 1: “X-Ünicode” is not a valid header name."],
    ["\n\nX-Bad: a\u0000b", "Line 3: the value of X-Bad has a control character."],
    [`X-Long: ${"a".repeat(MAX_HEADER_VALUE_LENGTH + 1)}`, `Line 1: the value of X-Long is over ${MAX_HEADER_VALUE_LENGTH} characters.`],
    ["Accept: a\naccept: b", "Line 2: accept is given twice; give each header once."],
  ])("refuses %j", (text, error) => {
    expect(parseHeaderLines(text)).toEqual({ ok: false, errors: [error] });
  });

  it("accepts a value of exactly the longest length", () => {
    const value = "a".repeat(MAX_HEADER_VALUE_LENGTH);
    expect(parseHeaderLines(`X-Long: ${value}`)).toEqual({ ok: true, headers: { "X-Long": value } });
  });

  it("reports every bad line, by its number", () => {
    expect(parseHeaderLines("nope\nAccept: */*\nalso nope")).toEqual({
      ok: false,
      errors: ["Line 1: write the header as Name: value.", "Line 3: write the header as Name: value."],
    });
  });
});

describe("headerLinesSchema", () => {
  it("parses to the headers object", () => {
    expect(headerLinesSchema.parse("Accept: application/json")).toEqual({ Accept: "application/json" });
  });

  it("reports the first three bad lines in one issue", () => {
    const result = headerLinesSchema.safeParse("a\nb\nc\nd\ne");
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.message).toBe(
      "Line 1: write the header as Name: value. Line 2: write the header as Name: value. Line 3: write the header as Name: value. (2 more)",
    );
  });

  it("refuses a text over 64 KB", () => {
    expect(headerLinesSchema.safeParse(`X-A: ${"a".repeat(64 * 1024)}`).success).toBe(false);
  });
});
