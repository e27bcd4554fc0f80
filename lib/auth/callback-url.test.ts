import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_CALLBACK_URL, safeCallbackUrl } from "./callback-url";

const ORIGIN = "http://127.0.0.1:3000";

describe("safeCallbackUrl", () => {
  it.each([
    ["/projects/abc/settings", "/projects/abc/settings"],
    ["/projects/abc/resources?tab=webhooks#events", "/projects/abc/resources?tab=webhooks#events"],
    ["/", "/"],
    [`${ORIGIN}/projects/abc/settings`, "/projects/abc/settings"],
    ["HTTP://127.0.0.1:3000/projects/abc", "/projects/abc"],
    ["projects/abc", "/projects/abc"],
  ])("follows %j on this origin → %j", (input, expected) => {
    expect(safeCallbackUrl(input, ORIGIN)).toBe(expected);
  });

  it.each([
    [null],
    [undefined],
    [""],
    ["/\t/evil.example"],
    ["/\n/evil.example"],
    ["/\r\n/evil.example"],
    ["\t//evil.example"],
    ["/\t\\evil.example"],
    ["//evil.example"],
    ["//evil.example/"],
    ["///evil.example"],
    ["\\\\evil.example"],
    ["/\\evil.example"],
    ["\\/evil.example"],
    ["https://evil.example"],
    ["https://evil.example/"],
    ["http://127.0.0.1:3000@evil.example"],
    ["http://127.0.0.1:3000.evil.example/"],
    ["https://127.0.0.1:3000/"],
    ["http://127.0.0.1:3001/"],
    ["javascript:alert(1)"],
    ["JavaScript:alert(1)"],
    ["java\tscript:alert(1)"],
    ["data:text/html,<script>alert(1)</script>"],
    ["/.//evil.example"],
    ["/a/..//evil.example"],
    [`${ORIGIN}//evil.example`],
    ["http://[::1"],
  ])("refuses %j", (input) => {
    expect(safeCallbackUrl(input, ORIGIN)).toBe(DEFAULT_CALLBACK_URL);
  });

  // Percent-encoded slashes, backslashes, tabs and newlines are not decoded by a browser
  // resolving a Location: they stay a path on this origin.
  it.each([
    ["%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/%2F/evil.example", "/%2F/evil.example"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/%5Cevil.example", "/%5Cevil.example"],
    ["/%5C%5Cevil.example", "/%5C%5Cevil.example"],
    ["/%09/evil.example", "/%09/evil.example"],
    ["/%0A/evil.example", "/%0A/evil.example"],
    ["https%3A%2F%2Fevil.example", "/https%3A%2F%2Fevil.example"],
  ])("keeps the percent-encoded %j on this origin as %j", (input, expected) => {
    expect(safeCallbackUrl(input, ORIGIN)).toBe(expected);
  });

  it("refuses everything when the origin itself is not a URL", () => {
    expect(safeCallbackUrl("/projects", "not a url")).toBe(DEFAULT_CALLBACK_URL);
  });

  it("never answers something a browser would resolve to another origin", () => {
    const pieces = fc.constantFrom(
      "/",
      "\\",
      "\t",
      "\n",
      "\r",
      " ",
      ".",
      "..",
      "%2F",
      "%5C",
      "evil.example",
      "@",
      ":",
      "http:",
      "https:",
      "127.0.0.1:3000",
      "?",
      "#",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 3 })), { maxLength: 8 }), (parts) => {
        const result = safeCallbackUrl(parts.join(""), ORIGIN);
        expect(result.startsWith("/")).toBe(true);
        // As a Location header, resolved against the sign-in page.
        expect(new URL(result, `${ORIGIN}/sign-in?callbackUrl=x`).origin).toBe(ORIGIN);
      }),
      { numRuns: 2000 },
    );
  });
});
