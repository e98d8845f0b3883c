import type { z } from "zod";
import { baselineData } from "./baseline";
import { checkData } from "./check";
import { createData } from "./create";
import { downData } from "./down";
import { generateData } from "./generate";
import { initData } from "./init";
import { migrateData } from "./migrate";
import { pruneData } from "./prune";
import { repairData } from "./repair";
import { statusData } from "./status";
import { verifyData } from "./verify";

/**
 * Each command's --json data, defined once: the schema files in schemas/ are generated from these (render.ts),
 * and the commands' output.result() calls are type-checked against them (CommandData). Each is a named
 * entry under $defs in its schema file (the success and the failure branch both refer to it).
 */
export const COMMAND_DATA = {
  init: initData.meta({ id: "InitData" }),
  migrate: migrateData.meta({ id: "MigrateData" }),
  status: statusData.meta({ id: "StatusData" }),
  down: downData.meta({ id: "DownData" }),
  create: createData.meta({ id: "CreateData" }),
  generate: generateData.meta({ id: "GenerateData" }),
  baseline: baselineData.meta({ id: "BaselineData" }),
  check: checkData.meta({ id: "CheckData" }),
  verify: verifyData.meta({ id: "VerifyData" }),
  prune: pruneData.meta({ id: "PruneData" }),
  repair: repairData.meta({ id: "RepairData" }),
} as const;

export type CommandName = keyof typeof COMMAND_DATA;

export type CommandData = { [C in CommandName]: z.output<(typeof COMMAND_DATA)[C]> };
