/** What the repository must hold before a tree for these answers is written (init and upgrade). */
import path from "node:path";
import { fs } from "../builtins.js";
import type { Answers } from "../answers/types.js";
import { InvalidAnswersError } from "../errors.js";

/** In image mode the build copies the schema: it must be there before anything is written. */
export function checkSchemaPresent(root: string, answers: Answers): void {
  if (answers.schema.source !== "image" || fs.existsSync(path.join(root, answers.schema.path))) return;
  const what = answers.schema.compile ? "the authoring output (schema.json, written by the fraiseql package's export_schema)" : "the compiled schema (fraiseql-cli compile)";
  throw new InvalidAnswersError(
    [
      {
        field: "schema.path",
        rule: `${answers.schema.path} does not exist in ${root}, and the image build copies it (schema.source: image). Put ${what} there, set schema.path to where it is, or set schema.source to configmap or secret to mount it at run time`,
      },
    ],
    "the repository",
  );
}
