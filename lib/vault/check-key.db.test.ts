import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "@/lib/config/env";
import { checkVaultKey } from "./check-key";

afterEach(() => vi.unstubAllEnvs());

describe("checkVaultKey", () => {
  it("accepts the key the database first saw, and refuses another one clearly", async () => {
    await checkVaultKey();
    await checkVaultKey();
    vi.stubEnv("SWITCHBOARD_ENCRYPTION_KEY", Buffer.alloc(32, 9).toString("base64"));
    await expect(checkVaultKey()).rejects.toThrow(ConfigError);
    await expect(checkVaultKey()).rejects.toThrow(/is not the key this database's secrets were encrypted with/);
  });

  it("refuses a key that is not 32 bytes", async () => {
    vi.stubEnv("SWITCHBOARD_ENCRYPTION_KEY", Buffer.alloc(16, 1).toString("base64"));
    await expect(checkVaultKey()).rejects.toThrow("SWITCHBOARD_ENCRYPTION_KEY must be 32 random bytes in base64");
  });
});
