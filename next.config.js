/** @type {import('next').NextConfig} */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

module.exports = {
  reactStrictMode: true,
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a real 403 status.
  // Uploaded OpenAPI documents reach server actions as form data: allow
  // documents up to the spec size limit (20 MB by default) with room to spare.
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: "30mb" } },
  // Native and WebAssembly packages stay outside the server bundle.
  serverExternalPackages: ["@node-rs/argon2", "@electric-sql/pglite", "pg", "@redocly/openapi-core", "swagger2openapi"],
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};
