import { Command } from "commander";
import { registerBaseline } from "./commands/baseline";
import { registerCheck } from "./commands/check";
import { registerCreate } from "./commands/create";
import { registerDown } from "./commands/down";
import { registerGenerate } from "./commands/generate";
import { registerInit } from "./commands/init";
import { registerMigrate } from "./commands/migrate";
import { registerPrune } from "./commands/prune";
import { registerRepair } from "./commands/repair";
import { registerStatus } from "./commands/status";
import { registerVerify } from "./commands/verify";
import { EXIT_CODES_HELP } from "./exitCodesHelp";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require("../../package.json") as { version: string };

/** The `authdb` command line: one file per command under commands/. */
export function buildProgram(): Command {
  const program = new Command("authdb")
    .description("Migrations and an Auth.js adapter for SQL databases, from one schema.")
    .version(version, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_CODES_HELP);
  registerInit(program);
  registerMigrate(program);
  registerStatus(program);
  registerDown(program);
  registerCreate(program);
  registerGenerate(program);
  registerBaseline(program);
  registerCheck(program);
  registerVerify(program);
  registerPrune(program);
  registerRepair(program);
  return program;
}
