import { z } from "zod";
import { envelopeSchema } from "./envelope";
import { COMMAND_DATA, type CommandName } from "./index";

const DRAFT = "https://json-schema.org/draft/2020-12/schema";

export interface SchemaFile {
  /** Relative to schemas/, e.g. migrate.json. */
  name: string;
  text: string;
}

/** $schema, title and description first, so a reader of the file sees what it is before the details. */
function toFile(name: string, title: string, description: string, schema: z.ZodType): SchemaFile {
  const { $schema: _draft, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12" }) as Record<string, unknown>;
  const document = { $schema: DRAFT, title, description, ...rest };
  return { name, text: `${JSON.stringify(document, null, 2)}\n` };
}

/** schemas/envelope.json (any command's document) and schemas/<command>.json (one command's, with its data). */
export function renderJsonSchemas(): SchemaFile[] {
  const commands = Object.keys(COMMAND_DATA) as CommandName[];
  const files = [
    toFile(
      "envelope.json",
      "authdb --json document",
      "What every authdb command prints on stdout with --json: exactly one document. schemas/<command>.json describes a command's data.",
      envelopeSchema(z.enum(commands), z.record(z.string(), z.unknown()).describe("the command's own result: see schemas/<command>.json")),
    ),
  ];
  for (const command of commands) {
    files.push(
      toFile(
        `${command}.json`,
        `authdb ${command} --json`,
        `What \`authdb ${command} --json\` prints on stdout: the envelope (schemas/envelope.json) with ${command}'s data.`,
        envelopeSchema(z.literal(command), COMMAND_DATA[command]),
      ),
    );
  }
  return files;
}
