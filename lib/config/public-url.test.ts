import { describe, expect, it } from "vitest";
import { ConfigError, publicUrl } from "./env";

// The public URL webhook URLs are built from: configured, or the embedded default; never a request's headers.

describe("publicUrl", () => {
  it("is NEXTAUTH_URL without a trailing slash, on PGlite or PostgreSQL", () => {
    expect(publicUrl({ NEXTAUTH_URL: "https://switchboard.example.com/" })).toBe("https://switchboard.example.com");
    expect(publicUrl({ NEXTAUTH_URL: "https://switchboard.example.com", DATABASE_URL: "postgres://db/switchboard" })).toBe("https://switchboard.example.com");
  });

  it("defaults to http://localhost:3000 on the embedded PGlite only", () => {
    expect(publicUrl({})).toBe("http://localhost:3000");
    expect(publicUrl({ NEXTAUTH_URL: "", DATABASE_URL: "" })).toBe("http://localhost:3000");
    expect(() => publicUrl({ DATABASE_URL: "postgres://db/switchboard" })).toThrow(ConfigError);
    expect(() => publicUrl({ DATABASE_URL: "postgres://db/switchboard" })).toThrow(/^NEXTAUTH_URL is not set/);
  });

  it("refuses a NEXTAUTH_URL that is not an http(s) URL", () => {
    expect(() => publicUrl({ NEXTAUTH_URL: "switchboard.example.com" })).toThrow(/NEXTAUTH_URL must be/);
    expect(() => publicUrl({ NEXTAUTH_URL: "javascript:alert(1)" })).toThrow(/NEXTAUTH_URL must be/);
  });
});
