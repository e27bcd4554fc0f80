/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // PGlite loads its WebAssembly and data files from its own package folder, and argon2 is
  // a native addon: both must be required at run time rather than bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2"],
  async headers() {
    // The SDK is imported as a module by the customer's pages on other origins; it holds no secret.
    return [{ source: "/sdk.js", headers: [{ key: "Access-Control-Allow-Origin", value: "*" }] }];
  },
};

export default nextConfig;
