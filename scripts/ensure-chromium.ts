// Runs before the browser tests (`npm test`, `npm run test:e2e`): makes sure there is a browser to
// launch, installing Playwright's own Chromium when the machine has none, so that a machine
// without one stops here with one line that says what to install, not with a stack trace
// halfway through the run.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";
import { chromiumPath, DEBIAN_CHROMIUM, isExecutable } from "./chromium";

function stop(line: string): never {
  console.error(line);
  process.exit(1);
}

const configured = chromiumPath();
if (configured) {
  if (!isExecutable(configured)) {
    stop(
      `CHROMIUM_PATH is "${configured}", which is not an executable browser: point it at Chromium, or install Debian's (apt-get install -y chromium) and unset it.`,
    );
  }
} else if (!existsSync(chromium.executablePath())) {
  console.log(`No browser at ${DEBIAN_CHROMIUM}: installing Playwright's Chromium (npx playwright install chromium).`);
  // Its output is kept back: on a machine that cannot download, the line below says all there is to do.
  const install = spawnSync("npx", ["playwright", "install", "chromium"], { stdio: "pipe" });
  if (install.status !== 0) {
    stop(
      `No browser for the Playwright tests, and Playwright's could not be downloaded: install Chromium (apt-get install -y chromium) or set CHROMIUM_PATH to one.`,
    );
  }
}
