// The headers next.config.mjs gives every response, read the way Next reads them: each
// rule's source compiled with Next's own matcher, then the headers of every matching rule.
import type { NextConfig } from "next";
import { buildCustomRoute } from "next/dist/lib/build-custom-route";
import { beforeAll, describe, expect, it } from "vitest";

// A plain JavaScript module TypeScript does not read (allowJs is off): imported by a path it
// does not resolve, and typed here.
const NEXT_CONFIG: string = "../next.config.mjs";
let nextConfig: NextConfig;

beforeAll(async () => {
  nextConfig = ((await import(/* @vite-ignore */ NEXT_CONFIG)) as { default: NextConfig }).default;
});

type HeaderRule = { source: string; headers: Array<{ key: string; value: string }> };

async function headersFor(pathname: string): Promise<Record<string, string>> {
  const rules = (await nextConfig.headers!()) as HeaderRule[];
  const result: Record<string, string> = {};
  for (const rule of rules) {
    const { regex } = buildCustomRoute("header", rule);
    if (!new RegExp(regex).test(pathname)) continue;
    for (const { key, value } of rule.headers) result[key.toLowerCase()] = value;
  }
  return result;
}

const DASHBOARD_PAGES = [
  "/",
  "/sign-in",
  "/sign-up",
  "/projects",
  "/projects/5b0f6c1e-0000-4000-8000-000000000000/resources/abc/api-info",
  "/projects/x/settings",
];

describe("security headers (next.config.mjs)", () => {
  it.each(DASHBOARD_PAGES)("%s may not be framed and sends no full referrer", async (pathname) => {
    const headers = await headersFor(pathname);
    const csp = headers["content-security-policy"] ?? "";
    expect(csp.split(";").map((directive) => directive.trim())).toContain("frame-ancestors 'none'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(["strict-origin-when-cross-origin", "no-referrer"]).toContain(headers["referrer-policy"]);
  });

  it("sets no script-src or default-src that would block Next's inline scripts", async () => {
    const csp = (await headersFor("/"))["content-security-policy"] ?? "";
    expect(csp).not.toMatch(/(^|;)\s*(script-src|default-src|script-src-elem)\b/);
  });

  it("keeps /sdk.js importable from other origins, and the SDK routes free of CORS headers (they set their own per project)", async () => {
    expect((await headersFor("/sdk.js"))["access-control-allow-origin"]).toBe("*");
    const sdkRoute = await headersFor("/projects/5b0f6c1e-0000-4000-8000-000000000000/sdk/resources/abc/connect");
    expect(Object.keys(sdkRoute).filter((key) => key.startsWith("access-control-"))).toEqual([]);
    // Only framing is restricted there: a cross-origin fetch is untouched by frame-ancestors.
    expect(sdkRoute["content-security-policy"]).toBe("frame-ancestors 'none'; base-uri 'self'; object-src 'none'");
  });

  it("keeps the rest of the configuration", () => {
    expect(nextConfig.poweredByHeader).toBe(false);
    expect(nextConfig.serverExternalPackages).toEqual(expect.arrayContaining(["@electric-sql/pglite", "@node-rs/argon2"]));
  });
});
