#!/usr/bin/env node
// Writes migrations/ (the default Auth.js set, no custom columns) exactly as `authdb init` renders it.
// test/unit/defaultMigrations.test.ts fails when the checked-in files differ from this rendering.
const { mkdirSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { buildSchema } = require("../dist/schema");
const { renderInitialMigration, INITIAL_MIGRATION_NAME } = require("../dist/migrations/renderMigration");

const dir = path.join(__dirname, "..", "migrations");
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, INITIAL_MIGRATION_NAME), renderInitialMigration(buildSchema()));
console.log(`wrote migrations/${INITIAL_MIGRATION_NAME}`);
