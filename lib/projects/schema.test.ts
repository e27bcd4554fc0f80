import { describe, expect, it } from "vitest";
import { addPublicKeySchema, allowedOriginsSchema, allowedOriginsTextSchema, MAX_ALLOWED_ORIGINS, originLineError } from "./schema";

const projectId = "7d3f8f0e-3b0c-4f5e-9a55-2f0b7c1d9e11";

function messages(text: string): string[] {
  const result = allowedOriginsTextSchema.safeParse(text);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe("originLineError", () => {
  it.each([
    "https://app.example.com",
    "http://localhost:5173",
    "http://127.0.0.1:3000",
    "https://app.example.com:8443",
    "http://[::1]:8080",
    "https://xn--bcher-kva.example",
  ])("accepts %s", (line) => expect(originLineError(line)).toBeUndefined());

  it.each([
    ["https://app.example.com/", "write https://app.example.com (scheme, host and port only"],
    ["https://app.example.com/path", "write https://app.example.com ("],
    ["https://app.example.com?x=1", "write https://app.example.com ("],
    ["https://app.example.com#top", "write https://app.example.com ("],
    ["https://App.Example.com", "write https://app.example.com ("],
    ["https://app.example.com:443", "write https://app.example.com ("],
    ["https://user:pw@app.example.com", "write https://app.example.com ("],
    ["*", "has a wildcard"],
    ["https://*.example.com", "has a wildcard"],
    ["app.example.com", "is not a URL"],
    ["localhost:5173", "must start with https:// or http://"],
    ["ftp://files.example.com", "must start with https:// or http://"],
    ["javascript:alert(1)", "must start with https:// or http://"],
    ["null", "is not a URL"],
  ])("refuses %s, naming it", (line, expected) => {
    const message = originLineError(line);
    expect(message).toContain(expected);
    expect(message).toContain(`"${line}"`);
  });

  it("shortens a very long line in its message", () => {
    const line = `https://${"a".repeat(200)}.example.com/`;
    expect(originLineError(line)).toContain(`"${line.slice(0, 80)}…"`);
  });
});

describe("allowedOriginsTextSchema", () => {
  it("parses one origin per line, ignoring blank lines and surrounding spaces", () => {
    expect(allowedOriginsTextSchema.parse("https://app.example.com\n\n  http://localhost:5173  \r\nhttps://b.example.com\n")).toEqual([
      "https://app.example.com",
      "http://localhost:5173",
      "https://b.example.com",
    ]);
  });

  it("accepts an empty list", () => {
    expect(allowedOriginsTextSchema.parse("")).toEqual([]);
    expect(allowedOriginsTextSchema.parse("\n  \n")).toEqual([]);
  });

  it("drops duplicates, keeping the first occurrence's place", () => {
    expect(allowedOriginsTextSchema.parse("https://a.example.com\nhttps://b.example.com\nhttps://a.example.com")).toEqual([
      "https://a.example.com",
      "https://b.example.com",
    ]);
  });

  it("names every bad line, not the good ones", () => {
    const errors = messages("https://ok.example.com\nhttps://bad.example.com/\n*\nhttps://ok.example.com");
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('"https://bad.example.com/"');
    expect(errors[1]).toContain('"*"');
  });

  it("reports at most five bad lines", () => {
    expect(messages(Array.from({ length: 8 }, (_, i) => `bad-${i}`).join("\n"))).toHaveLength(5);
  });

  it(`allows ${MAX_ALLOWED_ORIGINS} origins, after removing duplicates, and no more`, () => {
    const origins = Array.from({ length: MAX_ALLOWED_ORIGINS }, (_, i) => `https://app${i}.example.com`);
    expect(allowedOriginsTextSchema.parse([...origins, origins[0]].join("\n"))).toEqual(origins);
    expect(messages([...origins, "https://one-more.example.com"].join("\n"))).toEqual([`List at most ${MAX_ALLOWED_ORIGINS} origins.`]);
  });

  it("puts its errors on the origins field of the form schema", () => {
    const result = allowedOriginsSchema.safeParse({ projectId, origins: "https://app.example.com/" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([["origins"]]);
    expect(allowedOriginsSchema.parse({ projectId, origins: "http://localhost:5173" })).toEqual({
      projectId,
      origins: ["http://localhost:5173"],
    });
  });
});

describe("addPublicKeySchema", () => {
  it("trims the key and requires one", () => {
    expect(addPublicKeySchema.parse({ projectId, publicKey: '  {"kty":"RSA"}\n' }).publicKey).toBe('{"kty":"RSA"}');
    expect(addPublicKeySchema.safeParse({ projectId, publicKey: "   " }).success).toBe(false);
  });
});
