import { defineConfig } from "vitest/config";

/**
 * Two groups: the unit and component tests run first, files in parallel; then the end-to-end runs
 * (test/e2e: whole dry-runs and real-time bench runs through a pty), one file at a time, so that their real
 * time is not shared with the rest of the suite on a 2-core machine.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // herdsman keeps a ref'd timer alive after stop(); forks let vitest end each file cleanly
    pool: "forks",
    reporters: process.env.CI ? ["default", "junit"] : ["default"],
    outputFile: { junit: "test-results/junit.xml" },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/e2e/**"], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
