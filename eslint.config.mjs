import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// The layer rule (DESIGN.md, STYLE.md): each layer may import the ones to its right, never one to its left.
const LAYERS = ["app", "components", "server", "lib", "db"];
const LAYER_CHAIN = LAYERS.join(" → ");
const TEST_FOLDERS = ["./e2e", "./test", "./bench", "./db/test"];
const PRODUCTION_FILES = ["{app,components,server,lib,db,scripts}/**/*.{ts,tsx,js,mjs}", "instrumentation*.ts"];
// Tests are integration tests that drive routes and actions from any folder, so neither rule binds them.
const TEST_FILES = ["**/*.test.ts", "**/*.test.tsx", "**/test/**", "e2e/**", "bench/**"];

// import/no-restricted-paths matches the resolved file, so `@/lib/x` and `../../lib/x` are caught alike.
const layerZones = LAYERS.slice(1).map((layer, index) => ({
  target: `./${layer}`,
  from: LAYERS.slice(0, index + 1).map((left) => `./${left}`),
  message:
    layer === "db"
      ? `db/ imports nothing of ours: layers point one way (${LAYER_CHAIN}).`
      : `${layer}/ must not import ${LAYERS.slice(0, index + 1).join("/, ")}/: layers point one way (${LAYER_CHAIN}).`,
}));
const testFolderZone = {
  target: PRODUCTION_FILES,
  from: TEST_FOLDERS,
  message: "Production code does not import test code (e2e/, test/, bench/, db/test/).",
};

// lib/ is plain TypeScript that Vitest runs without a server; db/ sits below it, so the same holds there.
const FRAMEWORK_PACKAGES = ["next", "next/*", "react", "react/*", "react-dom", "react-dom/*"];

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  globalIgnores([".next/**", ".data/**", "public/sdk.js", "next-env.d.ts", "playwright-report/**", "test-results/**"]),
  {
    name: "switchboard/layers",
    files: PRODUCTION_FILES,
    ignores: TEST_FILES,
    rules: {
      "import/no-restricted-paths": ["error", { basePath: import.meta.dirname, zones: [...layerZones, testFolderZone] }],
    },
  },
  {
    name: "switchboard/lib-without-framework",
    files: ["{lib,db}/**/*.{ts,tsx}"],
    ignores: TEST_FILES,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: FRAMEWORK_PACKAGES,
              message: "lib/ and db/ import nothing of Next or React: they run under Vitest and the worker without a server.",
            },
          ],
        },
      ],
    },
  },
]);
