import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, keyFingerprint, VaultError, type VaultKey } from "./vault";

const key: VaultKey = { version: 1, key: randomBytes(32) };
const AAD = "resource:5f0c1b9e-0000-4000-8000-000000000001:client_secret";

function flipBit(blob: string, byteIndex: (length: number) => number): string {
  const [prefix, body] = blob.split(".") as [string, string];
  const bytes = Buffer.from(body, "base64url");
  const index = byteIndex(bytes.length);
  bytes[index] = bytes[index]! ^ 0x01;
  return `${prefix}.${bytes.toString("base64url")}`;
}

describe("vault", () => {
  it("round-trips, with a fresh IV every time", () => {
    const a = encryptSecret("s3cr3t-value ✓", AAD, key);
    const b = encryptSecret("s3cr3t-value ✓", AAD, key);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(decryptSecret(a, AAD, key)).toBe("s3cr3t-value ✓");
    expect(a).not.toContain("s3cr3t");
  });

  it.each([
    ["IV", () => 0],
    ["ciphertext", () => 12],
    ["tag", (length: number) => length - 1],
  ])("fails when one bit of the %s is flipped", (_part, index) => {
    const blob = encryptSecret("s3cr3t-value", AAD, key);
    expect(() => decryptSecret(flipBit(blob, index), AAD, key)).toThrow(VaultError);
  });

  it("does not decrypt for another row, another field, another key or another key version", () => {
    const blob = encryptSecret("s3cr3t-value", AAD, key);
    expect(() => decryptSecret(blob, AAD.replace("0001", "0002"), key)).toThrow(VaultError);
    expect(() => decryptSecret(blob, AAD.replace("client_secret", "refresh_token"), key)).toThrow(VaultError);
    expect(() => decryptSecret(blob, AAD, { version: 1, key: randomBytes(32) })).toThrow(VaultError);
    expect(() => decryptSecret(blob, AAD, { version: 2, key: key.key })).toThrow(/key version 1, not 2/);
  });

  it("rejects malformed and truncated blobs with a VaultError", () => {
    for (const blob of ["", "plaintext", "v1.", "v1.AAAA", "v1.not base64!"]) {
      expect(() => decryptSecret(blob, AAD, key)).toThrow(VaultError);
    }
  });

  it("fingerprints keys without revealing them", () => {
    expect(keyFingerprint(key.key)).toMatch(/^[0-9a-f]{32}$/);
    expect(keyFingerprint(key.key)).toBe(keyFingerprint(Buffer.from(key.key)));
    expect(keyFingerprint(randomBytes(32))).not.toBe(keyFingerprint(key.key));
  });
});
