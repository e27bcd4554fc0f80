import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { chromiumPath } from "./scripts/chromium";

// Workers re-read this file, so the port and data directory chosen by the main process are
// handed to them through the environment.
process.env.E2E_PORT ??= String(await freePort());
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), "switchboard-e2e-"));
// The session of the user the setup project signs up, which the tests start with.
process.env.E2E_STORAGE_STATE ??= path.join(process.env.E2E_DATA_DIR, "signed-in-user.json");
// Tests that start more servers on the same database need the same keys.
process.env.E2E_NEXTAUTH_SECRET ??= process.env.NEXTAUTH_SECRET || randomBytes(32).toString("base64");
process.env.E2E_ENCRYPTION_KEY ??= process.env.SWITCHBOARD_ENCRYPTION_KEY || randomBytes(32).toString("base64");
const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;

export default defineConfig({
  testDir: "e2e",
  // axe scans each page a test visits (e2e/support/test.ts) in the page itself, which holds up
  // the test's next action on a busy machine.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    ...devices["Desktop Chrome"],
    launchOptions: {
      // Undefined: Playwright's own Chromium, which scripts/ensure-chromium.ts installs before the tests.
      executablePath: chromiumPath(),
      // This machine has no network beyond loopback: keep Chromium from trying to reach Google.
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    { name: "setup", testMatch: /.*\.setup\.ts/ },
    {
      name: "chromium",
      testMatch: /.*\.spec\.ts/,
      dependencies: ["setup"],
      use: { storageState: process.env.E2E_STORAGE_STATE },
    },
  ],
  webServer: {
    // The production build (`npm run build` runs first in `npm test`). Idle keep-alive sockets are
    // kept 70 s, not Node's 5 s: a test's request context reuses its socket after a pause of a few
    // seconds, and a server closing it at that moment reset the request (ECONNRESET, seen in CI
    // after a 6.1 s pause on 2026-12-07).
    command: `npx next start --hostname 127.0.0.1 --port ${process.env.E2E_PORT} --keepAliveTimeout 70000`,
    url: `${baseURL}/api/health`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      ...(process.env as Record<string, string>),
      // With DATABASE_URL (CI: a fresh PostgreSQL database) the server needs a configured
      // session secret and encryption key; without it, the server runs the embedded default
      // in a fresh data directory, generating both.
      SWITCHBOARD_DATA_DIR: process.env.E2E_DATA_DIR,
      NEXTAUTH_URL: baseURL,
      // Every test signs up and in from 127.0.0.1: lift the per-address limits (Vitest tests them).
      SWITCHBOARD_SIGN_IN_LIMIT: "10000",
      SWITCHBOARD_SIGN_UP_LIMIT: "10000",
      ...(process.env.DATABASE_URL
        ? {
            NEXTAUTH_SECRET: process.env.E2E_NEXTAUTH_SECRET,
            SWITCHBOARD_ENCRYPTION_KEY: process.env.E2E_ENCRYPTION_KEY,
          }
        : {}),
    },
  },
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
