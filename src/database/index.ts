export * from "./databaseUrl";
export * from "./connect";
export * from "./dialect";
export * from "./dates";
