import type { Metadata } from "next";
import { headers } from "next/headers";
import { buttonClassName } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { connectApiDocument, HTTP_METHODS } from "@/lib/api/openapi";
import { requireProjectAccess } from "@/server/require-user";
import { curlExample, takesSecretKeyOnly } from "./curl";
import { MethodBadge, OperationCard } from "./operation-card";
import { SchemaSection } from "./schema-section";

export const metadata: Metadata = { title: "API Reference" };

/** The origin the browser reached this page on: the Connect API answers there too. */
function requestOrigin(requestHeaders: Headers): string {
  const host = requestHeaders.get("x-forwarded-host")?.split(",")[0]?.trim() || requestHeaders.get("host");
  const protocol = requestHeaders.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
  try {
    return new URL(`${protocol}://${host}`).origin;
  } catch {
    return "http://localhost:3000";
  }
}

export default async function ApiReferencePage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { project } = await requireProjectAccess(projectId);
  const origin = requestOrigin(await headers());
  const document = connectApiDocument({ serverUrl: origin });
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ method, path, operation }] : [];
    }),
  );
  const securitySchemes = Object.entries(document.components.securitySchemes);

  return (
    <div className="max-w-4xl space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">API Reference</h1>
          <p className="mt-1 text-sm text-slate-500">
            {document.info.title} {document.info.version} · OpenAPI {document.openapi}
          </p>
        </div>
        <a href="/api/openapi.json" className={buttonClassName("secondary")}>
          openapi.json
        </a>
      </div>

      <Card title="Overview">
        <p className="text-sm whitespace-pre-line text-slate-700">{document.info.description}</p>
        <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">Base URL</dt>
          <dd className="font-mono break-all">{origin}</dd>
          <dt className="text-slate-500">Project ID</dt>
          <dd className="font-mono break-all">{project.id}</dd>
        </dl>
        <ul className="mt-4 space-y-1 text-sm">
          {operations.map(({ method, path, operation }) => (
            <li key={operation.operationId} className="flex items-center gap-2">
              <MethodBadge method={method} />
              <a href={`#${operation.operationId}`} className="text-indigo-700 hover:underline">
                {operation.summary}
              </a>
              <code className="hidden truncate font-mono text-xs text-slate-500 sm:inline">{path}</code>
            </li>
          ))}
        </ul>
      </Card>

      {securitySchemes.map(([name, scheme]) => (
        <Card
          key={name}
          title="Authentication"
          description={`${name}: HTTP ${scheme.scheme} token (${scheme.bearerFormat}), sent as Authorization: Bearer <token>.`}
        >
          <p className="text-sm whitespace-pre-line text-slate-700">{scheme.description}</p>
        </Card>
      ))}

      {operations.map(({ method, path, operation }) => {
        const body = operation.requestBody?.content["application/json"]?.example;
        return (
          <OperationCard
            key={operation.operationId}
            method={method}
            path={path}
            operation={operation}
            curl={curlExample({
              origin,
              method,
              path,
              projectId: project.id,
              body: operation.requestBody ? (body ?? {}) : undefined,
              secretKeyOnly: takesSecretKeyOnly(operation),
            })}
          />
        );
      })}

      <Card title="Schemas" description="The JSON bodies the API takes and answers with (JSON Schema 2020-12).">
        <div className="divide-y divide-slate-100">
          {Object.entries(document.components.schemas).map(([name, schema]) => (
            <SchemaSection key={name} name={name} schema={schema} />
          ))}
        </div>
      </Card>
    </div>
  );
}
