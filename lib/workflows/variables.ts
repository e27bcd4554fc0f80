import type { StoredKeyValue } from "@/db/workflow-definition";
import { AppError } from "@/lib/errors";
import { renderPathTemplate, renderTemplate, TemplateError, templateVariableNames, validateTemplate } from "@/lib/resources/template";

// The variables of a workflow: `trigger.*` (the trigger's input), `steps.<key>.status|headers|body.*`
// (the outputs of steps sure to have run before), `fanout.item` and `fanout.index` (in a Fan
// Out's steps for each item), `user.id` and `user.profile.*`: how a run resolves and renders
// them. Which a step may use is ./available-variables.ts (it reads the step registry, which the
// step modules, importing this file, are part of). The editor lists them from the sample
// trigger and the last test's outputs; a run resolves them from its own data.

/** What the editor knows to list variables from. */
export interface VariableContext {
  /** The project's published resources. */
  resources: readonly { id: string; name: string; level: "user" | "app"; profileFields: readonly string[] }[];
  sampleTrigger: Readonly<Record<string, unknown>>;
  /** The last Test's outputs, by step key. */
  lastTestOutputs: Readonly<Record<string, unknown>>;
}

/** Names the menu lists, and prefixes under which any path is accepted (outputs not seen yet). */
export interface AvailableVariables {
  names: string[];
  openPrefixes: string[];
}

const MAX_DEPTH = 6;
const MAX_ARRAY_ITEMS = 3;
const MAX_NAMES = 400;
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** Every dotted path into a JSON value, the value's own path included. */
export function jsonPaths(prefix: string, value: unknown, depth = 0, into: string[] = []): string[] {
  if (into.length >= MAX_NAMES) return into;
  into.push(prefix);
  if (depth >= MAX_DEPTH || value === null || typeof value !== "object") return into;
  const entries = Array.isArray(value)
    ? value.slice(0, MAX_ARRAY_ITEMS).map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  for (const [key, child] of entries) if (SEGMENT.test(key)) jsonPaths(`${prefix}.${key}`, child, depth + 1, into);
  return into;
}

/** What is wrong with a template's variables here: a message per unknown variable, naming it. */
export function unknownWorkflowVariables(template: string, available: AvailableVariables): string[] {
  let names: string[];
  try {
    names = templateVariableNames(template);
  } catch (error) {
    if (error instanceof TemplateError) return [error.message];
    throw error;
  }
  return names
    .filter((name) => !available.names.includes(name) && !available.openPrefixes.some((prefix) => name.startsWith(prefix)))
    .flatMap((name) => validateTemplate(`{{${name}}}`, available.names));
}

/** What a run resolves variables from. */
export interface RunContext {
  trigger: Readonly<Record<string, unknown>>;
  user: { id: string | null; profile: Readonly<Record<string, unknown>> };
  steps: Readonly<Record<string, unknown>>;
  /** In a Fan Out's steps for each item: the item and its index. */
  fanout?: { item: unknown; index: number };
}

/**
 * The value at a dotted path into JSON, or undefined (own properties only: `constructor` is no
 * path). A key that itself holds dots wins over nesting: a User Profile keeps `team.name` as one key.
 */
export function valueAtPath(value: unknown, path: readonly string[]): unknown {
  if (!path.length) return value;
  if (value === null || typeof value !== "object") return undefined;
  const whole = path.join(".");
  if (path.length > 1 && Object.hasOwn(value, whole)) return (value as Record<string, unknown>)[whole];
  const [key, ...rest] = path;
  return Object.hasOwn(value, key!) ? valueAtPath((value as Record<string, unknown>)[key!], rest) : undefined;
}

/** The value a variable names in a run, or undefined. */
export function resolveVariable(name: string, context: RunContext): unknown {
  const [root, ...path] = name.split(".");
  const base =
    root === "trigger"
      ? context.trigger
      : root === "steps"
        ? context.steps
        : root === "user"
          ? context.user
          : root === "fanout"
            ? context.fanout
            : undefined;
  return base === undefined ? undefined : valueAtPath(base, path);
}

/** A value as template text: strings as they are, missing as empty, anything else as JSON. */
export function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function valuesFor(template: string, context: RunContext): Record<string, string> {
  return Object.fromEntries(templateVariableNames(template).map((name) => [name, asText(resolveVariable(name, context))]));
}

/** Renders a header, query or condition template of a run. */
export function renderWorkflowTemplate(template: string, context: RunContext): string {
  return renderTemplate(template, valuesFor(template, context));
}

const WHOLE_VARIABLE = /^\s*\{\{\s*[^{}]+?\s*\}\}\s*$/;

/** The variable a template is alone (`{{ trigger.payload.id }}`, spaces around it allowed), if it is one. */
function loneVariable(template: string): string | undefined {
  if (!WHOLE_VARIABLE.test(template)) return undefined;
  const names = templateVariableNames(template);
  return names.length === 1 ? names[0] : undefined;
}

/** Values for a template of a request that is sent: a variable that resolves to nothing (missing or null) stops it. */
function requestValuesFor(template: string, context: RunContext): Record<string, string> {
  return Object.fromEntries(
    templateVariableNames(template).map((name) => {
      const value = resolveVariable(name, context);
      if (value === undefined || value === null) throw new AppError("missing_variable", { message: `${name} has no value.` });
      return [name, asText(value)];
    }),
  );
}

/** What renderRequestTemplates renders of a Request step. */
export interface RequestTemplates {
  path: string;
  query: readonly StoredKeyValue[];
  headers: readonly StoredKeyValue[];
}

/**
 * Renders a Request step's path, query and headers for a run or a Test, with the one rule for a
 * variable that resolves to nothing (missing or null): a query or header row whose whole value
 * is that variable alone is left out (an optional filter); anywhere else — the path, a value that
 * mixes text and variables — it throws AppError missing_variable naming it, before anything is
 * sent, so `/tasks/{{trigger.payload.taskId}}` can never go out as `/tasks/` (the list, or with
 * DELETE all of it). Path values are percent-encoded: they cannot add segments or a query.
 * Throws TemplateError for a template that does not render.
 */
export function renderRequestTemplates(
  step: RequestTemplates,
  context: RunContext,
): { path: string; query: Record<string, string>; headers: Record<string, string> } {
  const rows = (list: readonly StoredKeyValue[]) =>
    Object.fromEntries(
      list.flatMap((row) => {
        const alone = loneVariable(row.value);
        if (alone !== undefined && resolveVariable(alone, context) == null) return [];
        return [[row.name, renderTemplate(row.value, requestValuesFor(row.value, context))]];
      }),
    );
  return {
    path: renderPathTemplate(step.path, requestValuesFor(step.path, context)),
    query: rows(step.query),
    headers: rows(step.headers),
  };
}

/**
 * Renders a JSON body template: a string that is one variable alone takes the variable's JSON
 * value (a number stays a number, an object an object); other strings are rendered as text.
 * Keys are never templated, so a value cannot change the body's shape.
 */
export function renderJsonBody(template: string, context: RunContext): string | undefined {
  if (!template.trim()) return undefined;
  const render = (node: unknown): unknown => {
    if (typeof node === "string") {
      const alone = loneVariable(node);
      if (alone !== undefined) return resolveVariable(alone, context) ?? null;
      return renderWorkflowTemplate(node, context);
    }
    if (Array.isArray(node)) return node.map(render);
    if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, render(value)]));
    return node;
  };
  return JSON.stringify(render(JSON.parse(template)));
}
