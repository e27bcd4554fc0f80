import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir } from "@/db/env";
import { ConfigError } from "./env";

/**
 * Reads a secret kept in the data directory, creating it once with `create()` when absent.
 * The file is written exclusively (`wx`) with mode 0600, so two processes starting together
 * agree on one value and no other local user can read it.
 */
export function readOrCreateSecretFile(fileName: string, create: () => string): string {
  const dir = dataDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, fileName);
  const existing = readSecretFile(file);
  if (existing !== undefined) return existing;
  const value = create();
  try {
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: "wx" });
    return value;
  } catch (error) {
    if (isErrno(error, "EEXIST")) return readSecretFile(file) ?? value;
    throw error;
  }
}

function readSecretFile(file: string): string | undefined {
  try {
    if ((statSync(file).mode & 0o077) !== 0) {
      throw new ConfigError(`${file} is readable by other users; run \`chmod 600 ${file}\`.`);
    }
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    throw error;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
