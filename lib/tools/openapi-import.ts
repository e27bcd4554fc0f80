import { dereference, validate } from "@readme/openapi-parser";
import { load as loadYaml } from "js-yaml";
import type { StoredToolParameters } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { compileInputSchema } from "./input-validation";
import { toolNameFrom, uniqueToolName } from "./names";
import { MAX_DOCUMENT_BYTES } from "./schema";

export { MAX_DOCUMENT_BYTES };

// An OpenAPI 3.0 or 3.1 document, pasted or uploaded on a resource's Tools tab, read into the
// operations it offers. Everything is checked before anything is stored: a document refused
// here leaves the resource's operations as they were.

/** The most operations one document may hold (counted before dereferencing). */
export const MAX_OPERATIONS = 1000;
/** The most JSON values all operations' schemas may hold together once dereferenced (a document whose shared $refs multiply). */
const MAX_SCHEMA_NODES = 1_000_000;
/** The most JSON values the whole document may hold with its $refs expanded (what the dereferencer would build). */
const MAX_EXPANDED_NODES = 2_000_000;
/** How deep a dereferenced schema may nest. */
const MAX_SCHEMA_DEPTH = 64;
const DEREFERENCE_TIMEOUT_MS = 10_000;

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;
/** The methods a tool may send (the request API's): an `options` or `trace` operation is not one. */
const SENDABLE = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]);
/** Header parameters OpenAPI says to ignore (the request's own headers), and those API Authentication sets. */
const IGNORED_HEADERS = new Set(["accept", "content-type", "authorization", "cookie", "host", "content-length"]);

/** One operation of an imported document, ready to store as a (disabled) tool. */
export interface ImportedOperation {
  /** `GET /tasks/{id}`. */
  operationKey: string;
  method: string;
  /** The path template under the API Base URL (the server's path below the base URL, then the operation's path). */
  path: string;
  operationId: string | undefined;
  /** The proposed tool name: valid, unique in the document. */
  name: string;
  summary: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown> | undefined;
  parameters: StoredToolParameters;
}

type Json = Record<string, unknown>;

function refuse(message: string): AppError {
  return new AppError("invalid_openapi_document", { message });
}

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** The document's text as a value: JSON first (the usual upload), else YAML (which also reads JSON with comments or trailing commas). */
function parseText(text: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(text);
    } catch {
      // Not strict JSON: YAML may still read it.
    }
  }
  try {
    // Aliases share one value (a YAML "billion laughs" does not multiply in memory), and are
    // capped besides; checkReferences bounds how far anything is walked.
    return loadYaml(text, { maxAliases: 1000, json: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n", 1)[0] : "";
    throw refuse(`The document is neither JSON nor YAML${detail ? `: ${detail}` : "."}`);
  }
}

/** How many operations the raw document declares, counting no further than `limit + 1`. */
function countOperations(paths: Json, limit: number): number {
  let count = 0;
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      if (method in item && ++count > limit) return count;
    }
  }
  return count;
}

/** A local `$ref`'s JSON Pointer (`#/components/schemas/Task`) as keys; undefined for anything else. */
function pointerKeys(ref: string): string[] | undefined {
  if (!ref.startsWith("#")) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (decoded === "") return [];
  if (!decoded.startsWith("/")) return undefined;
  return decoded
    .slice(1)
    .split("/")
    .map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * Before anything dereferences the document: walks all of it with every `$ref` followed, and
 * refuses a reference that is not inside the document, one that is not found, one that loops
 * (naming it), and references that would expand to more than MAX_EXPANDED_NODES values (shared
 * `$ref`s can double at each level: the dereferencer would spend minutes on 30 of them).
 * Linear in the document's size: each target's expanded size is counted once.
 */
function checkReferences(document: Json): void {
  const sizes = new Map<string, number>();
  const open = new Set<string>();
  const tooLarge = () => refuse("The document's schemas are too large once their $refs are expanded.");
  const size = (value: unknown, depth: number): number => {
    if (depth > 512) throw refuse(`The document nests more than 512 levels deep.`);
    if (value === null || typeof value !== "object") return 1;
    if (!Array.isArray(value) && typeof (value as Json).$ref === "string") {
      const ref = (value as Json).$ref as string;
      let known = sizes.get(ref);
      if (known !== undefined) return known;
      const keys = pointerKeys(ref);
      if (!keys) throw refuse(`The $ref ${ref} cannot be resolved: only references inside the document (#/…) are read.`);
      if (open.has(ref))
        throw refuse(`The document has a circular $ref (${ref}): a tool's schema must be finite. Replace the reference that loops.`);
      let target: unknown = document;
      for (const key of keys) {
        target = isObject(target) || Array.isArray(target) ? (target as Record<string, unknown>)[key] : undefined;
        if (target === undefined) throw refuse(`The $ref ${ref} points at nothing in the document.`);
      }
      open.add(ref);
      known = size(target, depth + 1);
      open.delete(ref);
      sizes.set(ref, known);
      return known;
    }
    let total = 1;
    for (const item of Object.values(value)) {
      total += size(item, depth + 1);
      if (total > MAX_EXPANDED_NODES) throw tooLarge();
    }
    return total;
  };
  // All of it, not only the paths: the dereferencer expands every component, used or not.
  if (size(document, 0) > MAX_EXPANDED_NODES) throw tooLarge();
}

/** Where a base URL's `{{variables}}` stand: a placeholder that a URL accepts in a host and a path. */
const PLACEHOLDER = /sbvar\d+x/g;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const templatePattern = (text: string) => new RegExp(`^${escapeRegExp(text).replace(PLACEHOLDER, "[^/?#.]+")}$`);

/**
 * Checks each server URL against the resource's API Base URL: the same origin, and a path at or
 * under the base URL's path (a relative server URL is resolved against the base URL). Answers
 * what the server adds under the base path ("" or e.g. "/v2").
 */
export function serverPathUnderBase(baseUrl: string): (server: unknown, where: string) => string {
  let index = 0;
  const placeheld = baseUrl.replace(/\{\{[^}]*\}\}/g, () => `sbvar${index++}x`);
  let base: URL;
  try {
    base = new URL(placeheld);
  } catch {
    throw refuse("The resource's API Base URL is not a valid URL: save the Request Details step first.");
  }
  const basePath = base.pathname.replace(/\/+$/, "");
  const baseForRelative = `${base.origin}${basePath}/`;
  const originMatches = templatePattern(base.origin);
  const pathMatches = new RegExp(`^${escapeRegExp(basePath).replace(PLACEHOLDER, "[^/?#]+")}((?:/.*)?)$`);
  return (server, where) => {
    if (!isObject(server) || typeof server.url !== "string") throw refuse(`${where}: a server needs a url.`);
    const variables = isObject(server.variables) ? server.variables : {};
    const url = server.url.replace(/\{([^{}]+)\}/g, (whole, name: string) => {
      const variable = variables[name];
      return isObject(variable) && typeof variable.default === "string" ? variable.default : whole;
    });
    let resolved: URL;
    try {
      resolved = new URL(url, baseForRelative);
    } catch {
      throw refuse(`${where}: the server URL ${server.url} is not a valid URL.`);
    }
    const path = resolved.pathname.replace(/\/+$/, "");
    const under = pathMatches.exec(path);
    if (!originMatches.test(resolved.origin) || !under || resolved.search || resolved.hash) {
      throw refuse(
        `${where}: the server URL ${server.url} is not under the resource's API Base URL (${baseUrl}). Requests go only to the API Base URL: change the server URL, or the resource's API Base URL.`,
      );
    }
    return under[1]!;
  };
}

/**
 * A dereferenced schema as a plain tree, OpenAPI 3.0's dialect turned into JSON Schema
 * (`nullable`, boolean `exclusiveMinimum`/`exclusiveMaximum`), ids and `$schema` dropped (each
 * tool's schema stands alone). Counts its values against `budget`; refuses what is too deep and
 * a `$ref` still there (external, or not found).
 */
function schemaTree(value: unknown, where: string, budget: { nodes: number }, openapi30: boolean, depth = 0): unknown {
  if (--budget.nodes < 0) throw refuse("The document's schemas are too large once their $refs are expanded.");
  if (depth > MAX_SCHEMA_DEPTH) throw refuse(`${where}: a schema nests more than ${MAX_SCHEMA_DEPTH} levels deep.`);
  if (Array.isArray(value)) return value.map((item) => schemaTree(item, where, budget, openapi30, depth + 1));
  if (!isObject(value)) return value;
  if (typeof value.$ref === "string") {
    throw refuse(`${where}: the $ref ${value.$ref} cannot be resolved: only references inside the document are read.`);
  }
  const tree: Json = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "$id" || key === "$schema" || key === "$anchor" || key === "$dynamicAnchor") continue;
    // Values, not schemas: kept as they are (checkReferences has bounded their size).
    if (VALUE_KEYWORDS.has(key)) {
      tree[key] = item;
      continue;
    }
    // `properties` and the like hold schemas by name: a property may be called `nullable` or `$id`.
    const holdsNames = key === "properties" || key === "patternProperties" || key === "$defs" || key === "definitions";
    if (holdsNames && isObject(item)) {
      const named: Json = {};
      for (const [name, schema] of Object.entries(item)) named[name] = schemaTree(schema, where, budget, openapi30, depth + 1);
      tree[key] = named;
    } else tree[key] = schemaTree(item, where, budget, openapi30, depth + 1);
  }
  if (openapi30) {
    if (tree.nullable === true && typeof tree.type === "string") tree.type = [tree.type, "null"];
    delete tree.nullable;
    for (const [flag, bound] of [
      ["exclusiveMinimum", "minimum"],
      ["exclusiveMaximum", "maximum"],
    ] as const) {
      if (tree[flag] === true && typeof tree[bound] === "number") {
        tree[flag] = tree[bound];
        delete tree[bound];
      } else if (typeof tree[flag] === "boolean") delete tree[flag];
    }
  }
  return tree;
}

/** Keywords whose value is data (an example, a default, allowed values), never a schema to walk. */
const VALUE_KEYWORDS = new Set(["example", "examples", "default", "enum", "const", "x-examples"]);

const firstLine = (text: unknown) => (typeof text === "string" ? text.trim() : "");

/** The JSON media type's schema of a content map (application/json, or any +json type). */
function jsonSchemaOf(content: unknown): { found: boolean; schema: unknown } {
  if (!isObject(content)) return { found: false, schema: undefined };
  const type = Object.keys(content).find((name) => /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(name));
  if (type === undefined) return { found: false, schema: undefined };
  const media = content[type];
  return { found: true, schema: isObject(media) ? media.schema : undefined };
}

/** The schema of the first 2xx JSON answer (200 before 201 … before 2XX). */
function outputSchemaOf(responses: unknown): unknown {
  if (!isObject(responses)) return undefined;
  const codes = Object.keys(responses)
    .filter((code) => /^2(?:\d\d|XX)$/i.test(code))
    .sort();
  for (const code of codes) {
    const response = responses[code];
    const { found, schema } = jsonSchemaOf(isObject(response) ? response.content : undefined);
    if (found && schema !== undefined) return schema;
  }
  return undefined;
}

/**
 * Reads an OpenAPI 3.0 or 3.1 document (JSON or YAML text) into its operations. Refuses, with
 * an `invalid_openapi_document` error saying what is wrong: more than 5 MB, unparseable, not
 * OpenAPI 3.x or not valid against its schema, more than 1,000 operations, a circular or
 * unresolvable `$ref`, a server URL not under `baseUrl` (the resource's API Base URL).
 */
export async function readOpenApiDocument(text: string, { baseUrl }: { baseUrl: string }): Promise<ImportedOperation[]> {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_DOCUMENT_BYTES) {
    throw refuse(`The document is ${(bytes / 1024 / 1024).toFixed(1)} MB: at most 5 MB is accepted.`);
  }
  if (!text.trim()) throw refuse("The document is empty.");
  const parsed = parseText(text);
  if (!isObject(parsed)) throw refuse("The document is not an object: an OpenAPI document starts with `openapi: 3.x`.");
  const version = parsed.openapi;
  if (typeof version !== "string" || !/^3\.[01]\.\d+(?:-[\w.]+)?$/.test(version)) {
    const said =
      typeof parsed.swagger === "string"
        ? `Swagger ${parsed.swagger}`
        : typeof version === "string"
          ? `OpenAPI ${version}`
          : "no OpenAPI version";
    throw refuse(`The document says ${said}: only OpenAPI 3.0 and 3.1 documents are read.`);
  }
  if (!isObject(parsed.paths)) throw refuse("The document has no paths: there are no operations to offer as tools.");
  if (countOperations(parsed.paths, MAX_OPERATIONS) > MAX_OPERATIONS) {
    throw refuse(`The document has more than ${MAX_OPERATIONS} operations: import a document of at most ${MAX_OPERATIONS}.`);
  }

  checkReferences(parsed);

  const options = {
    // Never a file or a URL: only references inside the document (checkReferences has refused any other).
    resolve: { external: false, file: false },
    // A loop outside the paths (a component no operation uses) is left alone.
    dereference: { circular: "ignore" as const },
    timeoutMs: DEREFERENCE_TIMEOUT_MS,
  };
  let checked;
  try {
    // Both mutate what they are given: each gets its own copy.
    checked = await validate(structuredClone(parsed) as never, options);
  } catch (error) {
    throw refuse(`The document cannot be read: ${error instanceof Error ? error.message.split("\n", 1)[0] : "unknown error"}`);
  }
  if (!checked.valid) {
    const first = checked.errors
      .slice(0, 3)
      .map((error) => error.message.split("\n", 1)[0])
      .join("; ");
    const more = checked.errors.length + checked.additionalErrors - 3;
    throw refuse(`The document is not a valid OpenAPI ${version} document: ${first}${more > 0 ? ` (and ${more} more)` : ""}.`);
  }
  let document: Json;
  try {
    document = (await dereference(structuredClone(parsed) as never, options)) as unknown as Json;
  } catch (error) {
    throw refuse(`The document's $refs cannot be resolved: ${error instanceof Error ? error.message.split("\n", 1)[0] : "unknown error"}`);
  }
  return operationsOf(document, version.startsWith("3.0"), serverPathUnderBase(baseUrl));
}

function operationsOf(document: Json, openapi30: boolean, serverPath: ReturnType<typeof serverPathUnderBase>): ImportedOperation[] {
  // Path items may be $refs: counted again once dereferenced.
  if (countOperations(document.paths as Json, MAX_OPERATIONS) > MAX_OPERATIONS) {
    throw refuse(`The document has more than ${MAX_OPERATIONS} operations: import a document of at most ${MAX_OPERATIONS}.`);
  }
  const budget = { nodes: MAX_SCHEMA_NODES };
  const documentServers = Array.isArray(document.servers) && document.servers.length ? document.servers : undefined;
  const prefixOf = (servers: unknown[] | undefined, where: string): string => {
    if (!servers) return "";
    const prefixes = servers.map((server, index) => serverPath(server, `${where} servers[${index}]`));
    return prefixes[0]!;
  };
  const documentPrefix = prefixOf(documentServers, "The document's");
  const operations: ImportedOperation[] = [];
  const names = new Set<string>();
  for (const [template, item] of Object.entries(document.paths as Json)) {
    if (!isObject(item)) continue;
    if (!template.startsWith("/")) throw refuse(`The path ${template} does not start with /.`);
    const itemServers = Array.isArray(item.servers) && item.servers.length ? item.servers : undefined;
    const itemPrefix = itemServers ? prefixOf(itemServers, `The path ${template}:`) : documentPrefix;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const upper = method.toUpperCase();
      const where = `${upper} ${template}`;
      const operationServers = Array.isArray(operation.servers) && operation.servers.length ? operation.servers : undefined;
      const prefix = operationServers ? prefixOf(operationServers, `${where}:`) : itemPrefix;
      if (!SENDABLE.has(upper)) continue;
      const path = `${prefix}${template}`;
      const operationId = typeof operation.operationId === "string" ? operation.operationId : undefined;
      const name = uniqueToolName(toolNameFrom(operationId, upper, path), names);
      names.add(name);
      const built = inputOf(where, template, [...shared, ...(Array.isArray(operation.parameters) ? operation.parameters : [])], operation, {
        budget,
        openapi30,
      });
      const output = outputSchemaOf(operation.responses);
      const summary = firstLine(operation.summary);
      operations.push({
        operationKey: `${upper} ${path}`,
        method: upper,
        path,
        operationId,
        name,
        summary,
        description: [summary, firstLine(operation.description)].filter(Boolean).join("\n\n") || `${upper} ${path}`,
        inputSchema: built.schema,
        outputSchema: isObject(output) ? (schemaTree(output, `${where} response`, budget, openapi30) as Json) : undefined,
        parameters: built.parameters,
      });
    }
  }
  return operations;
}

/** The input schema of an operation: its path, query and header parameters by argument name, and `body` for a JSON request body. */
function inputOf(
  where: string,
  template: string,
  declared: unknown[],
  operation: Json,
  { budget, openapi30 }: { budget: { nodes: number }; openapi30: boolean },
): { schema: Json; parameters: StoredToolParameters } {
  // An operation's parameter overrides a path item's of the same name and location.
  const byKey = new Map<string, Json>();
  for (const parameter of declared) {
    if (isObject(parameter) && typeof parameter.name === "string" && typeof parameter.in === "string")
      byKey.set(`${parameter.in}:${parameter.name}`, parameter);
  }
  const properties: Json = {};
  const required: string[] = [];
  const parameters: StoredToolParameters = { params: [], body: false };
  const taken = new Set<string>(["body"]);
  const inPath = new Set([...template.matchAll(/\{([^{}]+)\}/g)].map((match) => match[1]!));
  for (const parameter of byKey.values()) {
    const location = parameter.in as string;
    const name = parameter.name as string;
    if (location === "cookie") continue;
    if (location !== "path" && location !== "query" && location !== "header") continue;
    if (location === "header" && IGNORED_HEADERS.has(name.toLowerCase())) continue;
    if (location === "path" && !inPath.has(name)) continue;
    // The argument is the parameter's name, unless another location already has it (or it is `body`).
    let arg = name;
    if (taken.has(arg)) arg = `${location}_${name}`;
    for (let n = 2; taken.has(arg); n++) arg = `${location}_${name}_${n}`;
    taken.add(arg);
    const schema = isObject(parameter.schema)
      ? (schemaTree(parameter.schema, where, budget, openapi30) as Json)
      : isObject(parameter.content)
        ? ((schemaTree(jsonSchemaOf(parameter.content).schema ?? {}, where, budget, openapi30) as Json) ?? {})
        : {};
    const description = firstLine(parameter.description);
    properties[arg] = description && schema.description === undefined ? { ...schema, description } : schema;
    if (parameter.required === true || location === "path") required.push(arg);
    parameters.params.push({ arg, name, in: location });
  }
  for (const name of inPath) {
    if (!parameters.params.some((parameter) => parameter.in === "path" && parameter.name === name))
      throw refuse(`${where}: the path parameter {${name}} is not declared in its parameters.`);
  }
  const body = operation.requestBody;
  if (isObject(body)) {
    const { found, schema } = jsonSchemaOf(body.content);
    if (found) {
      const tree = schemaTree(schema ?? {}, `${where} request body`, budget, openapi30);
      const description = firstLine(body.description);
      properties.body = isObject(tree) && description && tree.description === undefined ? { ...tree, description } : tree;
      if (body.required === true) required.push("body");
      parameters.body = true;
    }
  }
  const schema: Json = { type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false };
  try {
    compileInputSchema(schema);
  } catch (error) {
    throw refuse(
      `${where}: its parameters' schemas are not valid JSON Schema (${error instanceof Error ? error.message : "unknown error"}).`,
    );
  }
  return { schema, parameters };
}
