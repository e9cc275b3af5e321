import type { NextConfig } from "next";

const config: NextConfig = {
  // The grader and Prisma run natively on the server; never bundle them.
  serverExternalPackages: ["@kubernetes/client-node", "better-sqlite3", "@prisma/adapter-better-sqlite3"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default config;
