import { runConformance } from "./conformance";

runConformance("SQLite sqlite::memory:", () => ({ url: "sqlite::memory:", drop: async () => undefined }));
