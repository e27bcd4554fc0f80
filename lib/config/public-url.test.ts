import { describe, expect, it } from "vitest";
import { applyEmbeddedNextAuthUrl, ConfigError, publicUrl } from "./env";

// The public URL webhook URLs are built from: configured, or the embedded default; never a request's headers.

describe("publicUrl", () => {
  it("is NEXTAUTH_URL without a trailing slash, on PGlite or PostgreSQL", () => {
    expect(publicUrl({ NEXTAUTH_URL: "https://switchboard.example.com/" })).toBe("https://switchboard.example.com");
    expect(publicUrl({ NEXTAUTH_URL: "https://switchboard.example.com", DATABASE_URL: "postgres://db/switchboard" })).toBe(
      "https://switchboard.example.com",
    );
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

describe("applyEmbeddedNextAuthUrl", () => {
  it("gives next-auth the embedded default's URL when NEXTAUTH_URL is unset or empty on PGlite", () => {
    const unset: Record<string, string | undefined> = {};
    applyEmbeddedNextAuthUrl(unset);
    expect(unset.NEXTAUTH_URL).toBe("http://localhost:3000");
    const empty: Record<string, string | undefined> = { NEXTAUTH_URL: "" };
    applyEmbeddedNextAuthUrl(empty);
    expect(empty.NEXTAUTH_URL).toBe("http://localhost:3000");
  });

  it("leaves a configured NEXTAUTH_URL, and a PostgreSQL deployment without one, as they are", () => {
    const configured: Record<string, string | undefined> = { NEXTAUTH_URL: "https://switchboard.example.com" };
    applyEmbeddedNextAuthUrl(configured);
    expect(configured.NEXTAUTH_URL).toBe("https://switchboard.example.com");
    const postgres: Record<string, string | undefined> = { DATABASE_URL: "postgres://db/switchboard" };
    applyEmbeddedNextAuthUrl(postgres);
    expect(postgres).toEqual({ DATABASE_URL: "postgres://db/switchboard" });
  });
});
