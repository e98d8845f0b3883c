export type { ColumnValueTypes, ColumnReadType, ColumnWriteType, JsonColumn } from "./columnValues";
export type { WithLooseExtend, CheckedConfig, CheckedColumn } from "./configInput";
export type {
  AuthjsRecords,
  InferColumns,
  InferColumnsInput,
  InferRecord,
  InferUser,
  InferAccount,
  InferSession,
  InferVerificationToken,
  InferAuthenticator,
  InferAccountInput,
} from "./inferRecords";
