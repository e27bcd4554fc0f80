import { defineConfig } from "@playwright/test";
import config from "./playwright.config";

// `npm run screenshots`: the README's screenshots, taken by e2e/screenshots/*.screenshot.ts
// against the production build (not part of `npm test`).
export default defineConfig({
  ...config,
  projects: [{ name: "screenshots", testMatch: /.*\.screenshot\.ts/, use: { viewport: { width: 1280, height: 800 } } }],
});
