import { createPostgresDatabase } from "../helpers/databases";
import { runConformance } from "./conformance";

runConformance("PostgreSQL", () => createPostgresDatabase("adapter"));
