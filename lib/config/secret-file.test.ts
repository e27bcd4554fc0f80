import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getAuthSecret } from "@/lib/auth/secret";
import { ConfigError } from "./env";
import { readOrCreateSecretFile } from "./secret-file";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchboard-secrets-"));
  vi.stubEnv("SWITCHBOARD_DATA_DIR", path.join(dir, "data"));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe("readOrCreateSecretFile", () => {
  it("creates the secret once, readable by its owner only, and returns it again", () => {
    const first = readOrCreateSecretFile("test-secret", () => "generated-1");
    const second = readOrCreateSecretFile("test-secret", () => "generated-2");
    expect(first).toBe("generated-1");
    expect(second).toBe("generated-1");
    const file = path.join(dir, "data", "test-secret");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, "data")).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, "utf8").trim()).toBe("generated-1");
  });

  it("refuses a secret file other users can read", () => {
    readOrCreateSecretFile("test-secret", () => "generated");
    chmodSync(path.join(dir, "data", "test-secret"), 0o644);
    expect(() => readOrCreateSecretFile("test-secret", () => "other")).toThrow(/chmod 600/);
  });
});

describe("getAuthSecret", () => {
  it("prefers NEXTAUTH_SECRET", () => {
    vi.stubEnv("NEXTAUTH_SECRET", "from-the-environment");
    vi.stubEnv("DATABASE_URL", "postgres://db.example/switchboard");
    expect(getAuthSecret()).toBe("from-the-environment");
  });

  it("generates one into the data directory on the embedded database", () => {
    vi.stubEnv("NEXTAUTH_SECRET", "");
    vi.stubEnv("DATABASE_URL", "");
    const secret = getAuthSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(getAuthSecret()).toBe(secret);
  });

  it("must be configured with DATABASE_URL, and says so", () => {
    vi.stubEnv("NEXTAUTH_SECRET", "");
    vi.stubEnv("DATABASE_URL", "postgres://db.example/switchboard");
    expect(() => getAuthSecret()).toThrow(ConfigError);
    expect(() => getAuthSecret()).toThrow(/NEXTAUTH_SECRET is not set\. It is required when DATABASE_URL is set/);
  });
});
