#!/usr/bin/env node
// Runs the CLI straight from src/ (through jiti), for working on it without a build: node scripts/dev-cli.js status
const { createJiti } = require("jiti");
createJiti(__filename).import(require.resolve("../src/cli/main.ts")).then((cli) => cli.main(process.argv));
