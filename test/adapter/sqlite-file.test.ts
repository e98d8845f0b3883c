import { createSqliteDatabase } from "../helpers/databases";
import { runConformance } from "./conformance";

runConformance("SQLite file", () => createSqliteDatabase("adapter"));
