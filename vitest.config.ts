import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/remove-temp-dirs.ts"],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // Integration tests start real tools (helm, kubeconform, docker); keep the 2-core machines responsive.
    maxWorkers: 2,
  },
});
