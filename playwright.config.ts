import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium: Playwright's own browser download cannot work on these machines.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const port = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: ".test-reports/playwright.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    // The e2e database is fresh per run and its first account becomes instructor: this project
    // creates it through /setup before anything else can sign up (e2e/support/accounts.ts).
    { name: "first-run", testMatch: "first-run.spec.ts", use: { ...devices["Desktop Chrome"], channel: undefined } },
    {
      name: "desktop",
      testIgnore: "first-run.spec.ts",
      dependencies: ["first-run"],
      use: { ...devices["Desktop Chrome"], channel: undefined },
    },
  ],
  webServer: {
    command: `npx tsx e2e/serve.ts ${port}`,
    url: `http://127.0.0.1:${port}/`,
    // `next build` shares two cores with everything else on the machine: minutes, not seconds.
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    // Lets e2e/serve.ts stop the test cluster and remove its containers.
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
  },
});
