import { CodeBlock } from "@/components/ui/code-block";
import { DataTable } from "@/components/ui/data-table";
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
      <DataTable
        variant="plain"
        className="mt-2"
        rows={rows}
        rowKey={(row) => row.name}
        rowClassName="align-top"
        empty={
          <p className="mt-2 text-sm text-slate-700">
            Type: <code className="font-mono text-xs">{typeLabel(schema)}</code>
          </p>
        }
        columns={[
          {
            header: "Field",
            className: "font-mono text-xs",
            cell: (row) => (
              <>
                {row.name}
                {!row.required && <span className="ml-1 font-sans text-slate-500">optional</span>}
              </>
            ),
          },
          { header: "Type", className: "font-mono text-xs text-slate-600", cell: (row) => row.type },
          { header: "Description", className: "text-slate-700", cell: (row) => row.description },
        ]}
      />
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
