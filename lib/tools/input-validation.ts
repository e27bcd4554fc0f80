import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";

// The one JSON Schema validator (ajv, which the MCP SDK uses too): tool arguments against a
// tool's input schema. Schemas come from a team's OpenAPI document: OpenAPI's own keywords
// (`example`, `xml`, `discriminator`…) are allowed, and formats are not checked (the API does).

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false, allowUnionTypes: true });

/** Compiled validators by the schema's JSON (tools of one document share nothing else); the oldest dropped past the limit. */
const MAX_CACHED = 1000;
const compiled = new Map<string, ValidateFunction>();

/** Compiles `schema` (throws when it is not a valid JSON Schema). */
export function compileInputSchema(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (validate) return validate;
  validate = ajv.compile(schema);
  if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, validate);
  return validate;
}

/** What is wrong with one argument, naming it as a JSON Pointer: `/body/title: must be string`. */
function describe(error: ErrorObject): string {
  const at = error.instancePath;
  if (error.keyword === "required") return `${at}/${String(error.params.missingProperty)}: is required`;
  if (error.keyword === "additionalProperties") return `${at}/${String(error.params.additionalProperty)}: is not an argument of this tool`;
  return `${at || "/"}: ${error.message ?? "is not valid"}`;
}

/** Checks `args` against `schema`: undefined when they are valid, else what is wrong (the first problem). */
export function argumentProblem(schema: Record<string, unknown>, args: unknown): string | undefined {
  const validate = compileInputSchema(schema);
  if (validate(args)) return undefined;
  const [first] = validate.errors ?? [];
  return first ? describe(first) : "The arguments are not valid.";
}

/** Checks an API's answer against the tool's output schema: undefined when it conforms, else where it does not (the first problem). */
export function answerProblem(schema: Record<string, unknown>, body: unknown): string | undefined {
  const validate = compileInputSchema(schema);
  if (validate(body)) return undefined;
  const [first] = validate.errors ?? [];
  return first ? `${first.instancePath || "/"}: ${first.message ?? "is not valid"}` : "it is not valid";
}
