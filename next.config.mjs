/**
 * Sent with every response: pages may not be framed (clickjacking), links leak no path or
 * query to other origins, and responses are not content-sniffed. No script-src: Next's
 * inline scripts must keep running. These are harmless on the cross-origin `/sdk.js` and
 * `/projects/:projectId/sdk/*` routes (frame-ancestors only governs framing).
 */
const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: "frame-ancestors 'none'; base-uri 'self'; object-src 'none'" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Content-Type-Options", value: "nosniff" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // PGlite and quickjs-emscripten (the Function step's sandbox) load their WebAssembly from their
  // own package folders, and argon2 is a native addon: all must be required at run time rather
  // than bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "quickjs-emscripten"],
  // A resource's Tools tab imports OpenAPI documents of up to 5 MB through a server action (1 MB by default).
  experimental: { serverActions: { bodySizeLimit: "6mb" } },
  async headers() {
    return [
      { source: "/:path*", headers: SECURITY_HEADERS },
      // The SDK is imported as a module by the customer's pages on other origins; it holds no secret.
      { source: "/sdk.js", headers: [{ key: "Access-Control-Allow-Origin", value: "*" }] },
    ];
  },
};

export default nextConfig;
