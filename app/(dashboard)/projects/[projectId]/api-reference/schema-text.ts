import type { JsonSchema } from "@/lib/api/openapi/types";

// Short, readable descriptions of the document's JSON Schemas for the API Reference page.

/** The component a `$ref` names ("#/components/schemas/Connection" → "Connection"). */
export function refName(schema: JsonSchema): string | undefined {
  return schema.$ref?.split("/").pop();
}

function asSchema(value: unknown): JsonSchema | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

/** A type in a few words: `string (uuid)`, `"VALID" | "INVALID"`, `map of string`, `Connection`. */
export function typeLabel(schema: JsonSchema): string {
  const name = refName(schema);
  if (name) return name;
  if (schema.anyOf) return schema.anyOf.map(typeLabel).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  if (schema.type === "array") {
    const items = asSchema(schema.items);
    return `array of ${items ? typeLabel(items) : "any"}`;
  }
  if (schema.type === "object" && !schema.properties) {
    const values = asSchema(schema.additionalProperties);
    return `map of ${values && Object.keys(values).length ? typeLabel(values) : "any"}`;
  }
  if (typeof schema.type === "string") return schema.format ? `${schema.type} (${schema.format})` : schema.type;
  return "any";
}

export interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  description?: string;
}

/** An object schema's fields, nested objects and arrays of objects spelled out as `error.code`, `resources[].id`. */
export function fieldRows(schema: JsonSchema, prefix = ""): FieldRow[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([key, value]) => {
    const field = asSchema(value);
    if (!field) return [];
    const name = `${prefix}${key}`;
    const items = field.type === "array" ? asSchema(field.items) : undefined;
    const nested = field.properties ? field : items?.properties ? items : undefined;
    const row: FieldRow = {
      name,
      type: field.properties ? "object" : items?.properties ? "array of object" : typeLabel(field),
      required: required.has(key),
      description: field.description,
    };
    return [row, ...(nested ? fieldRows(nested, nested === field ? `${name}.` : `${name}[].`) : [])];
  });
}
