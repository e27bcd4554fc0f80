import { accessSync, constants } from "node:fs";

// Which browser the Playwright tests launch (playwright.config.ts), and what
// scripts/ensure-chromium.ts checks before they start.

/** Debian's Chromium (`apt-get install chromium`), which needs no download. */
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The browser CHROMIUM_PATH names, else Debian's where installed; undefined: Playwright's own. */
export function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return isExecutable(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined;
}
