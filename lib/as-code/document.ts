import type { z } from "zod";
import { AppError, issueProblems } from "@/lib/errors";
import { isPlainObject } from "@/lib/json";

// Resources and workflows as code: the parts of an exported document that resources and
// workflows share — its kind and format version, secret placeholders, and the checks every
// import runs before the wizard's and editor's own schemas (keys that could reach an object's
// prototype, fields the schemas do not know).

export const CONFIG_FORMAT_VERSION = 1;
export type ConfigKind = "resource" | "workflow";

/** How an export names a secret it leaves out: `{ "$secret": "client_secret" }`, the name it has in resource_secrets. */
export interface SecretPlaceholder {
  $secret: string;
}

export function secretPlaceholder(name: string): SecretPlaceholder {
  return { $secret: name };
}

/** Where to import each kind on the dashboard, for a document pasted in the wrong place. */
const IMPORT_PLACE: Record<ConfigKind, string> = { resource: "the Resources list", workflow: "the Workflows list" };

/** Keys refused anywhere in a document: JSON.parse makes them own properties that a careless merge would follow. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Field errors by dotted path; the first message for a path wins. */
export class FieldErrors {
  private readonly fields = new Map<string, string>();

  add(path: readonly PropertyKey[], message: string) {
    const key = path.map(String).join(".");
    if (!this.fields.has(key)) this.fields.set(key, message);
  }

  /** A zod failure's issues, each path moved to where the field stands in the document. */
  addZod(error: z.ZodError, at: (path: readonly PropertyKey[]) => readonly PropertyKey[]) {
    for (const problem of error.issues.flatMap(issueProblems)) this.add(at(problem.path), problem.message);
  }

  /**
   * Every key of `input` that the schema's `output` dropped (z.object strips what it does not
   * know): an unknown field. Walks objects and arrays present in both.
   */
  addUnknownFields(input: unknown, output: unknown, at: (path: readonly PropertyKey[]) => readonly PropertyKey[]) {
    const stack: [unknown, unknown, PropertyKey[]][] = [[input, output, []]];
    while (stack.length) {
      const [given, kept, path] = stack.pop()!;
      if (Array.isArray(given) && Array.isArray(kept)) {
        given.forEach((item, index) => stack.push([item, kept[index], [...path, index]]));
      } else if (isPlainObject(given) && isPlainObject(kept)) {
        for (const key of Object.keys(given)) {
          if (!Object.hasOwn(kept, key)) this.add(at([...path, key]), "Unknown field.");
          else stack.push([given[key], kept[key], [...path, key]]);
        }
      }
    }
  }

  get size(): number {
    return this.fields.size;
  }

  /** Throws invalid_input with the fields gathered so far, if any. */
  throwIfAny(message?: string) {
    if (this.fields.size) throw new AppError("invalid_input", { ...(message ? { message } : {}), fields: Object.fromEntries(this.fields) });
  }
}

/**
 * The first checks of an import: a JSON object of this kind and format version, with no key
 * anywhere that names a prototype (walked without recursion, so no nesting depth can overflow).
 */
export function checkDocument(value: unknown, kind: ConfigKind): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new AppError("invalid_input", { message: `Paste a ${kind} exported from Switchboard: a JSON object with "kind": "${kind}".` });
  }
  const errors = new FieldErrors();
  const stack: [unknown, PropertyKey[]][] = [[value, []]];
  while (stack.length) {
    const [node, path] = stack.pop()!;
    if (Array.isArray(node)) node.forEach((item, index) => stack.push([item, [...path, index]]));
    else if (isPlainObject(node)) {
      for (const key of Object.keys(node)) {
        if (FORBIDDEN_KEYS.has(key)) errors.add([...path, key], "This key is not allowed in an import.");
        else stack.push([node[key], [...path, key]]);
      }
    }
  }
  errors.throwIfAny();
  if (value.kind !== kind) {
    const other = (Object.keys(IMPORT_PLACE) as ConfigKind[]).find((candidate) => candidate === value.kind);
    errors.add(["kind"], other ? `This is a ${other} export: import it on ${IMPORT_PLACE[other]}.` : `Expected "${kind}".`);
  } else if (value.version !== CONFIG_FORMAT_VERSION) {
    errors.add(["version"], `This Switchboard reads version ${CONFIG_FORMAT_VERSION} of the format.`);
  }
  errors.throwIfAny();
  return value;
}

/**
 * Takes a secret's slot out of `object`: absent, or exactly the placeholder an export writes,
 * is fine; anything else is refused, since an import never sets a secret.
 */
export function takeSecretPlaceholder(
  object: Record<string, unknown>,
  field: string,
  secretName: string,
  errors: FieldErrors,
  path: readonly PropertyKey[],
): Record<string, unknown> {
  const { [field]: slot, ...rest } = object;
  if (slot === undefined) return rest;
  const isPlaceholder = isPlainObject(slot) && Object.keys(slot).length === 1 && slot.$secret === secretName;
  if (!isPlaceholder) {
    errors.add(
      [...path, field],
      `An import never sets a secret: leave { "$secret": "${secretName}" } here and enter the value in the dashboard.`,
    );
  }
  return rest;
}

/** A copy of `object` without `keys` (the rest in their order): a secret field the wizard's schemas answer, left out of what is stored. */
export function without<T extends object, K extends keyof T>(object: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...object };
  for (const key of keys) delete copy[key];
  return copy;
}
