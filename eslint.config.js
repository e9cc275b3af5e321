import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

const noFramework = [
  {
    group: ["next", "next/*", "react", "react-dom", "react/*"],
    message: "grader/ and lib/ must not depend on Next.js or React.",
  },
  {
    group: ["@/app/*", "@/components/*", "**/app/*", "**/components/*"],
    message: "Imports point inward: app -> lib/grader, never back.",
  },
  {
    group: ["@/e2e/*", "**/e2e/*"],
    message: "Test infrastructure (e2e/) is for tests and scripts/, never for grader/ or lib/.",
  },
];
// Outside grader/, the grader is used through its public API (grader/index.ts), never its files.
const graderPublicApi = {
  group: ["@/grader/*", "**/grader/*"],
  message: "Import the grader through its public API, @/grader (grader/index.ts).",
};
// grader/ is framework-free and below lib/: of lib/ it uses only the leaves that import nothing.
const graderLeavesOnly = {
  group: ["@/lib/*", "**/lib/*", "!@/lib/errors", "!@/lib/errors/*", "!@/lib/json", "!@/lib/json/*"],
  message: "grader/ imports from lib/ only the leaves lib/errors/ and lib/json/.",
};
const noClientNode = [
  {
    name: "@kubernetes/client-node",
    message: "Only the grader's cluster adapter (grader/cluster/) imports client-node.",
  },
];

const outboundOnly =
  "Requests to clusters go through grader/cluster/outbound/ (bounded, pinned, budgeted); nothing else opens sockets.";

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "lib/db/generated/**",
      "data/**",
      "test-results/**",
      ".test-reports/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  js.configs.recommended,
  // Type-aware rules: a promise nobody awaits or a promise passed where a callback returning void is
  // expected (an event handler, a setTimeout) is an error, not a style preference.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
  {
    files: ["**/*.tsx", "**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // An async stub that implements a promise-returning interface needs no await; a forgotten
      // await that matters is caught by no-floating-promises and no-misused-promises.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // Vitest's and Playwright's asymmetric matchers (expect.any, expect.objectContaining) are typed any.
    files: ["**/*.test.ts", "**/*.spec.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
  {
    // grader/ and lib/ stay framework-free so they run from a CLI, a test or a route alike.
    files: ["lib/**/*.ts"],
    // lib/auth/session.ts is the one documented exception: it reads Next's request headers.
    ignores: ["lib/auth/session.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [...noFramework, graderPublicApi], paths: noClientNode }] },
  },
  {
    files: ["lib/auth/session.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [...noFramework.slice(1), graderPublicApi], paths: noClientNode }],
    },
  },
  {
    files: ["grader/**/*.ts"],
    ignores: ["grader/cluster/**", "grader/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [...noFramework, graderLeavesOnly], paths: noClientNode }],
    },
  },
  {
    files: ["grader/cluster/**/*.ts"],
    ignores: ["grader/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [...noFramework, graderLeavesOnly] }] },
  },
  {
    // A grader test may check the grader against the app's content rules (lesson anchors, say).
    files: ["grader/**/*.test.ts"],
    ignores: ["grader/cluster/**"],
    rules: { "no-restricted-imports": ["error", { patterns: noFramework, paths: noClientNode }] },
  },
  {
    // One place bounds every request to a cluster (grader/cluster/outbound/): redirects refused, the checked
    // address pinned, timeouts, size caps, the per-learner budget. Opening sockets anywhere else would skip all
    // of it. Tests start servers, so they are exempt; type imports are harmless.
    files: ["grader/**/*.ts", "lib/**/*.ts"],
    ignores: ["grader/cluster/outbound/**", "**/*.test.ts", "grader/testing/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            ...[
              "node:http",
              "node:https",
              "node:tls",
              "node:dns",
              "node:dns/promises",
              "node:dgram",
              "undici",
              "ws",
            ].map((name) => ({ name, allowTypeImports: true, message: outboundOnly })),
            { name: "node:net", importNames: ["connect", "createConnection", "Socket"], message: outboundOnly },
          ],
        },
      ],
    },
  },
  {
    files: ["app/**/*.ts", "app/**/*.tsx", "components/**/*.ts", "components/**/*.tsx"],
    rules: { "no-restricted-imports": ["error", { patterns: [graderPublicApi], paths: noClientNode }] },
  },
  {
    // Tests and scripts may also use the grader's test kit (grader/testing/: fake cluster, lab builder).
    files: ["scripts/**/*.ts", "e2e/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "(^@|/)grader/(?!testing/)", message: graderPublicApi.message }] },
      ],
    },
  },
);
