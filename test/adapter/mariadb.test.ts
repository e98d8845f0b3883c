import { createMariaDatabase } from "../helpers/databases";
import { runConformance } from "./conformance";

runConformance("MariaDB", () => createMariaDatabase("adapter"));
