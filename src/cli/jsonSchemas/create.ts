import { z } from "zod";
import { filePath } from "./common";

export const createData = z.strictObject({ file: filePath.describe("the empty migration file written") });
