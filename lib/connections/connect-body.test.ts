import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import type { RequiredKey } from "@/lib/resources/required-keys";
import { validateConnectBody } from "./connect-body";

const oauthKeys: RequiredKey[] = [
  { key: "access_token", label: "Access Token", secret: true, optional: true, header: true },
  { key: "refresh_token", label: "Refresh Token", secret: true, optional: false, header: false },
];

/** The field errors validateConnectBody refuses `json` with (parsed the way the route parses it). */
function refusal(json: string, keys: readonly RequiredKey[] = oauthKeys): Record<string, string> {
  try {
    validateConnectBody(JSON.parse(json) as Record<string, unknown>, keys);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("invalid_credentials_payload");
    return (error as AppError).fields!;
  }
  throw new Error(`accepted: ${json}`);
}

describe("validateConnectBody", () => {
  it.each(["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"])(
    "names %s as an unknown key",
    (key) => {
      const fields = refusal(`{"refresh_token":"r",${JSON.stringify(key)}:"x"}`);
      expect(Object.keys(fields)).toEqual([key]);
      expect(Object.getOwnPropertyDescriptor(fields, key)?.value).toBe("Unknown key: this resource does not take it.");
      expect(JSON.parse(JSON.stringify(fields))).toEqual(fields);
    },
  );

  it("does not read a required key from a __proto__ object", () => {
    expect(refusal(`{"__proto__":{"refresh_token":"r"}}`)).toEqual(
      Object.fromEntries([
        ["__proto__", "Unknown key: this resource does not take it."],
        ["refresh_token", "Required."],
      ]),
    );
  });

  it("finds a required key named like an Object.prototype member only in the body's own keys", () => {
    const keys: RequiredKey[] = [{ key: "constructor", label: "C", secret: false, optional: false, header: false }];
    expect(refusal("{}", keys)).toEqual({ constructor: "Required." });
    expect(validateConnectBody(JSON.parse('{"constructor":"c"}') as Record<string, unknown>, keys)).toEqual({ constructor: "c" });
  });

  it("refuses a value holding a NUL, naming its key", () => {
    expect(refusal(JSON.stringify({ refresh_token: "r\u0000", access_token: "a" }))).toEqual({
      refresh_token: "Must not contain NUL characters.",
    });
  });

  it("refuses a header value (the access token, an API key) that a header cannot carry, naming its key", () => {
    const unsendable = "Must be text an HTTP header can carry: no control characters, and no characters beyond U+00FF.";
    for (const accessToken of ["a\u0001", "a\u007f", "a\u20ac", "a🙂"]) {
      expect(refusal(JSON.stringify({ refresh_token: "r", access_token: accessToken }))).toEqual({ access_token: unsendable });
    }
    const apiKeys: RequiredKey[] = [{ key: "api_key", label: "api_key", secret: true, optional: false, header: true }];
    expect(refusal(JSON.stringify({ api_key: "k\u001b" }), apiKeys)).toEqual({ api_key: unsendable });
    expect(validateConnectBody({ refresh_token: "r", access_token: "a-Z_0.9~+/=é\t" }, oauthKeys)).toEqual({
      refresh_token: "r",
      access_token: "a-Z_0.9~+/=é\t",
    });
  });

  it("refuses a lone surrogate in any value, naming its key", () => {
    const loneSurrogate = "Must not contain a lone surrogate (half of a character): it is not text.";
    expect(refusal(JSON.stringify({ refresh_token: "r\ud800", access_token: "a\udc00b" }))).toEqual({
      refresh_token: loneSurrogate,
      access_token: loneSurrogate,
    });
  });

  it("keeps other characters as sent", () => {
    const values = validateConnectBody({ refresh_token: "r\u0001é🙂\t", access_token: "" }, oauthKeys);
    expect(values).toEqual({ refresh_token: "r\u0001é🙂\t" });
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });
});
