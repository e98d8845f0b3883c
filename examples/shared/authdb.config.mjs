// The schema authdb migrates and the adapter reads: the Auth.js tables plus one column of our own.
import { defineConfig } from "authdb";

export default defineConfig({
  migrationsDir: "migrations",
  extend: { User: { phoneNumber: "STRING" } }, // column users.phone_number
});
