/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json" }] },
  testTimeout: 120000,
  // Database suites create their own database or schema, so they could run in parallel; the machine has
  // two cores and the CLI suites spawn processes, so `npm test` runs them in band.
  reporters: ["default", "<rootDir>/test/helpers/summaryReporter.js"],
};
