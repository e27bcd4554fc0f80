import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { requestIdFrom } from "./request-context";

const APP = path.join(process.cwd(), "app");

/** Every route handler file under app/, with the route pattern its folders make (route groups left out). */
function routeFiles(): { file: string; pattern: string }[] {
  return (readdirSync(APP, { recursive: true }) as string[])
    .filter((file) => path.basename(file) === "route.ts")
    .map((file) => ({
      file,
      pattern: `/${path
        .dirname(file)
        .split(path.sep)
        .filter((segment) => !/^\(.*\)$/.test(segment))
        .join("/")}`,
    }));
}

describe("observed routes", () => {
  it("every API route is observed under the pattern its folder names (the metrics' route label)", () => {
    const files = routeFiles();
    expect(files.length).toBeGreaterThan(10);
    for (const { file, pattern } of files) {
      // next-auth's own endpoints are next-auth's business.
      if (pattern === "/api/auth/[...nextauth]") continue;
      const source = readFileSync(path.join(APP, file), "utf8");
      expect(source, file).toMatch(/\b(observeRoute(<[^>]*>)?|sdkRoute|sdkServerRoute|secretKeyRoute)\(/);
      const declared = [...source.matchAll(/(?:observeRoute(?:<[^>]*>)?\(\s*|route: )"([^"]+)"/g)].map((match) => match[1]);
      expect(declared, file).toEqual([pattern]);
    }
  });
});

describe("requestIdFrom", () => {
  it("keeps an id of at most 64 characters of A-Z a-z 0-9 . _ -, and makes a new one for anything else", () => {
    for (const safe of ["a", "req-1.2_3", "A".repeat(64), "3f0c9a62-5d1e-4b7a-9c2f-8e6d4a1b0c37"]) expect(requestIdFrom(safe)).toBe(safe);
    for (const hostile of [null, "", "A".repeat(65), "line\nbreak", "<b>", "a b", "a/b", "ü", "a;b=c"]) {
      const id = requestIdFrom(hostile);
      expect(id).not.toBe(hostile);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
