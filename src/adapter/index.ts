import { SequelizeAdapter } from "./SequelizeAdapter";

export { SequelizeAdapter, type SequelizeAdapterOptions, type AuthdbAdapter } from "./SequelizeAdapter";
export { models, type AuthjsModels } from "./models";
export {
  SchemaNotMigratedError,
  UnknownRecordError,
  InvalidValueError,
  ConstraintViolationError,
  UniqueConstraintError,
  ForeignKeyConstraintError,
  type ConstraintDetails,
  type ConstraintKind,
} from "./errors";
export type { AdapterClient } from "./connection";
export type { ModelsOption } from "./modelsOption";
export default SequelizeAdapter;
