import { Card } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
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

const tableClass = "w-full text-left text-sm";
const headClass = "text-xs uppercase text-slate-500";

function ResponseRow({ status, response }: { status: string; response: ResponseObject }) {
  const media = response.content?.["application/json"];
  const schema = media ? refName(media.schema) : undefined;
  const codes = Object.keys(media?.examples ?? {});
  const ok = status.startsWith("2");
  return (
    <tr className="align-top">
      <td className={`py-2 pr-3 font-mono font-medium ${ok ? "text-emerald-700" : "text-slate-800"}`}>{status}</td>
      <td className="py-2 pr-3 text-slate-700">
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
      </td>
      <td className="py-2">{schema ? <SchemaLink name={schema} /> : <span className="text-slate-500">—</span>}</td>
    </tr>
  );
}

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
        <table className={tableClass}>
          <thead className={headClass}>
            <tr>
              <th className="py-2 pr-3 font-medium">Name</th>
              <th className="py-2 pr-3 font-medium">Type</th>
              <th className="py-2 font-medium">Description</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {operation.parameters.map((parameter) => (
              <tr key={`${parameter.in}:${parameter.name}`} className="align-top">
                <td className="py-2 pr-3">
                  <span className="font-mono">{parameter.name}</span>
                  {parameter.in !== "path" && <span className="block text-xs text-slate-500">{parameter.in}</span>}
                </td>
                <td className="py-2 pr-3 whitespace-nowrap text-slate-600">{typeLabel(parameter.schema)}</td>
                <td className="py-2 text-slate-700">{parameter.description}</td>
              </tr>
            ))}
          </tbody>
        </table>

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
        <table className={tableClass}>
          <thead className={headClass}>
            <tr>
              <th className="py-2 pr-3 font-medium">Status</th>
              <th className="py-2 pr-3 font-medium">Description</th>
              <th className="py-2 font-medium">Schema</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {Object.entries(operation.responses).map(([status, response]) => (
              <ResponseRow key={status} status={status} response={response} />
            ))}
          </tbody>
        </table>

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
