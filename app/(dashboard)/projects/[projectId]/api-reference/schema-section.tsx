import { CodeBlock } from "@/components/ui/code-block";
import type { JsonSchema } from "@/lib/api/openapi/types";
import { fieldRows, typeLabel } from "./schema-text";

/** One component schema: its fields (or its type) and the JSON Schema itself, folded. */
export function SchemaSection({ name, schema }: { name: string; schema: JsonSchema }) {
  const rows = fieldRows(schema);
  const example = schema.examples?.[0];
  return (
    <section id={`schema-${name}`} className="scroll-mt-6 py-4 first:pt-0 last:pb-0">
      <h3 className="font-mono text-sm font-semibold text-slate-900">{name}</h3>
      {schema.description && <p className="mt-1 text-sm text-slate-600">{schema.description}</p>}
      {rows.length > 0 ? (
        <table className="mt-2 w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2 pr-3 font-medium">Field</th>
              <th className="py-2 pr-3 font-medium">Type</th>
              <th className="py-2 font-medium">Description</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.name} className="align-top">
                <td className="py-2 pr-3 font-mono text-xs">
                  {row.name}
                  {!row.required && <span className="ml-1 font-sans text-slate-500">optional</span>}
                </td>
                <td className="py-2 pr-3 font-mono text-xs text-slate-600">{row.type}</td>
                <td className="py-2 text-slate-700">{row.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="mt-2 text-sm text-slate-700">
          Type: <code className="font-mono text-xs">{typeLabel(schema)}</code>
        </p>
      )}
      {example !== undefined && (
        <div className="mt-2">
          <p className="mb-1 text-xs font-medium text-slate-500">Example</p>
          <CodeBlock code={JSON.stringify(example, null, 2)} language="json" label={`${name} example`} />
        </div>
      )}
      <details className="mt-2">
        <summary className="cursor-pointer text-xs font-medium text-slate-500 hover:text-slate-700">JSON Schema</summary>
        <div className="mt-2">
          <CodeBlock
            code={JSON.stringify(schema, null, 2)}
            language="json"
            label={`${name} JSON Schema`}
            copyLabel={`Copy the ${name} JSON Schema`}
          />
        </div>
      </details>
    </section>
  );
}
