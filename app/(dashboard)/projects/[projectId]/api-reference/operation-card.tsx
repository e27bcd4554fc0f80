import { Card } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import type { HttpMethod, OperationObject, ResponseObject } from "@/lib/api/openapi/types";
import { takesSecretKeyOnly, variableName } from "./curl";
import { refName, typeLabel } from "./schema-text";

const methodColors: Record<HttpMethod, string> = {
  get: "bg-sky-50 text-sky-700 ring-sky-200",
  put: "bg-amber-50 text-amber-800 ring-amber-200",
  post: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  delete: "bg-red-50 text-red-700 ring-red-200",
};

export function MethodBadge({ method }: { method: HttpMethod }) {
  return (
    <span
      className={`inline-block rounded px-2 py-0.5 font-mono text-xs font-semibold uppercase ring-1 ring-inset ${methodColors[method]}`}
    >
      {method}
    </span>
  );
}

function SchemaLink({ name }: { name: string }) {
  return (
    <a href={`#schema-${name}`} className="font-mono text-indigo-700 hover:underline">
      {name}
    </a>
  );
}

function Heading({ children }: { children: string }) {
  return <h3 className="mt-6 mb-2 text-sm font-semibold text-slate-900">{children}</h3>;
}

/** A response's status, description (with its error codes and headers) and schema. */
const responseColumns: DataTableColumn<[string, ResponseObject]>[] = [
  {
    header: "Status",
    cell: ([status]) => (
      <span className={`font-mono font-medium ${status.startsWith("2") ? "text-emerald-700" : "text-slate-800"}`}>{status}</span>
    ),
  },
  {
    header: "Description",
    className: "text-slate-700",
    cell: ([, response]) => {
      const codes = Object.keys(response.content?.["application/json"]?.examples ?? {});
      return (
        <>
          {response.description}
          {codes.length > 0 && (
            <span className="mt-1 flex flex-wrap gap-1">
              {codes.map((code) => (
                <code key={code} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">
                  {code}
                </code>
              ))}
            </span>
          )}
          {Object.entries(response.headers ?? {}).map(([name, header]) => (
            <span key={name} className="mt-1 block text-xs text-slate-500">
              Header <code className="font-mono">{name}</code>: {header.description}
            </span>
          ))}
        </>
      );
    },
  },
  {
    header: "Schema",
    cell: ([, response]) => {
      const media = response.content?.["application/json"];
      const schema = media ? refName(media.schema) : undefined;
      return schema ? <SchemaLink name={schema} /> : <span className="text-slate-500">—</span>;
    },
  },
];

export function OperationCard({
  method,
  path,
  operation,
  curl,
}: {
  method: HttpMethod;
  path: string;
  operation: OperationObject;
  curl: string;
}) {
  const body = operation.requestBody;
  const bodyMedia = body?.content["application/json"];
  const bodySchema = bodyMedia ? refName(bodyMedia.schema) : undefined;
  // The curl example leaves the path's parameters (but the Project ID) as shell variables; query and header parameters are optional.
  const secretKeyOnly = takesSecretKeyOnly(operation);
  const shellVariables = [
    secretKeyOnly ? "SECRET_KEY" : "USER_TOKEN",
    ...operation.parameters
      .filter((parameter) => parameter.in === "path" && parameter.name !== "projectId")
      .map(({ name }) => variableName(name)),
  ];

  return (
    <div id={operation.operationId} className="scroll-mt-6">
      <Card>
        <div className="flex flex-wrap items-center gap-3">
          <MethodBadge method={method} />
          <code className="font-mono text-sm break-all text-slate-900">{path}</code>
        </div>
        <h2 className="mt-3 text-base font-semibold text-slate-900">{operation.summary}</h2>
        <p className="mt-1 text-sm whitespace-pre-line text-slate-600">{operation.description}</p>

        <Heading>Parameters</Heading>
        <DataTable
          variant="plain"
          rows={operation.parameters}
          rowKey={(parameter) => `${parameter.in}:${parameter.name}`}
          rowClassName="align-top"
          columns={[
            {
              header: "Name",
              cell: (parameter) => (
                <>
                  <span className="font-mono">{parameter.name}</span>
                  {parameter.in !== "path" && <span className="block text-xs text-slate-500">{parameter.in}</span>}
                </>
              ),
            },
            { header: "Type", className: "whitespace-nowrap text-slate-600", cell: (parameter) => typeLabel(parameter.schema) },
            { header: "Description", className: "text-slate-700", cell: (parameter) => parameter.description },
          ]}
        />

        {body && (
          <>
            <Heading>Request body</Heading>
            <p className="text-sm text-slate-700">
              <code className="font-mono text-xs">application/json</code>
              {bodySchema && (
                <>
                  {" · "}
                  <SchemaLink name={bodySchema} />
                </>
              )}
              {body.required && <span className="text-slate-500"> · required</span>}
            </p>
            <p className="mt-1 text-sm text-slate-600">{body.description}</p>
          </>
        )}

        <Heading>Responses</Heading>
        <DataTable
          variant="plain"
          rows={Object.entries(operation.responses)}
          rowKey={([status]) => status}
          rowClassName="align-top"
          columns={responseColumns}
        />

        <Heading>Example</Heading>
        <p className="mb-2 text-sm text-slate-600">
          Set {shellVariables.map((name) => `$${name}`).join(" and ")} in your shell first:{" "}
          {secretKeyOnly
            ? "SECRET_KEY is a Secret Key of the project (Settings → Secret Keys)."
            : "USER_TOKEN is a User Token your backend signed for the user."}
        </p>
        <CodeBlock
          code={curl}
          language="bash"
          label={`curl example: ${operation.summary}`}
          copyLabel={`Copy the curl example: ${operation.summary}`}
        />
      </Card>
    </div>
  );
}
