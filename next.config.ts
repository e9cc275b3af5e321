import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./lib/http/security-headers";

const config: NextConfig = {
  // The grader and Prisma run natively on the server; never bundle them.
  serverExternalPackages: ["@kubernetes/client-node", "better-sqlite3", "@prisma/adapter-better-sqlite3"],
  poweredByHeader: false,
  typedRoutes: false,
  // The page's Content-Security-Policy (with its nonce) comes from proxy.ts.
  async headers() {
    return [{ source: "/:path*", headers: [...SECURITY_HEADERS] }];
  },
};

export default config;
