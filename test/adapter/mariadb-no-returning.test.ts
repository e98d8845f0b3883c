import { NO_RETURNING } from "../../src/adapter/capabilities";
import { createMariaDatabase } from "../helpers/databases";
import { runConformance } from "./conformance";

// MySQL 8 and MariaDB before 10.5 have no RETURNING: the same suite on MariaDB with those paths forced, so
// the atomic useVerificationToken/deleteSession without DELETE … RETURNING run against a real server.
runConformance("MariaDB, without RETURNING", () => createMariaDatabase("adapter_noret"), { capabilities: NO_RETURNING });
