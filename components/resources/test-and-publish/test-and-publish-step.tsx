import { Card } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { DataTable } from "@/components/ui/data-table";
import { portalFlow } from "@/lib/connect-portal/flow";
import type { TestAndPublishView } from "@/lib/connections/test-and-publish";
import type { ResourceDraft } from "@/lib/resources/draft";
import { connectSnippets } from "@/lib/resources/snippets";
import type { RequiredKey } from "@/lib/resources/required-keys";
import { ConnectTestAccount } from "./connect-test-account";
import { FinishButton } from "./finish-button";
import { TestCredentialsForm } from "./test-credentials-form";
import { TestRequestPanel } from "./test-request-panel";

const timeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/** The last wizard step: test credentials, test requests, snippets, Finish. */
export function TestAndPublishStep({ draft, view, origin }: { draft: ResourceDraft; view: TestAndPublishView; origin: string }) {
  const apiInfo = draft.apiInfo!;
  const { keys, savedValues, savedSecrets, runs } = view;
  const flow = portalFlow(apiInfo);
  const snippets = connectSnippets({ origin, projectId: draft.projectId, resourceId: draft.id, resourceName: draft.name, keys, flow });
  const profilePath = draft.config.request?.userProfile.source === "request" ? draft.config.request.userProfile.path : "/";

  return (
    <div className="space-y-6">
      {flow === "authorization_code" ? (
        <Card
          title="Test connection"
          description="Sign in to the API as a test user, as your users will through the Connect Portal. The tokens it issues are stored encrypted as this resource's test connection. Test requests and the workflow editor use them."
        >
          <TestConnectionState keys={keys} savedValues={savedValues} savedSecrets={savedSecrets} />
          <ConnectTestAccount projectId={draft.projectId} resourceId={draft.id} />
        </Card>
      ) : (
        apiInfo.level === "user" &&
        keys.length > 0 && (
          <Card
            title="Test credentials"
            description="One Connected User's credentials, stored encrypted as this resource's test connection. Test requests and the workflow editor use them."
          >
            <TestCredentialsForm
              projectId={draft.projectId}
              resourceId={draft.id}
              keys={keys}
              savedValues={savedValues}
              savedSecrets={savedSecrets}
            />
          </Card>
        )
      )}

      <Card title="Test request" description="Sent through this draft's configuration, exactly as a workflow request would be.">
        <TestRequestPanel projectId={draft.projectId} resourceId={draft.id} defaultPath={profilePath} />
        {runs.length > 0 && (
          <DataTable
            variant="plain"
            className="mt-6"
            label="Recent test requests"
            rows={runs}
            rowKey={(run) => run.id}
            columns={[
              { header: "Time (UTC)", cell: (run) => timeFormat.format(run.createdAt) },
              {
                header: "Request",
                className: "font-mono text-xs",
                cell: (run) => (
                  <>
                    {run.method} {run.path}
                  </>
                ),
              },
              { header: "Status", cell: (run) => run.status ?? "—" },
              { header: "Duration", cell: (run) => `${run.durationMs} ms` },
              { header: "Outcome", cell: (run) => (run.succeeded ? "Succeeded" : (run.error ?? "Failed")) },
            ]}
          />
        )}
      </Card>

      {apiInfo.level === "user" ? (
        <Card
          title="Connect your users"
          description={
            flow === "authorization_code"
              ? "With the JS SDK, connect() runs the sign-in in the Connect Portal. Or send each user's tokens from your backend: every required key is listed."
              : "Send each user's credentials from your app. Every required key is listed."
          }
        >
          <div className="space-y-4">
            <h3 className="text-sm font-semibold">JS SDK</h3>
            <CodeBlock code={snippets.sdk} language="javascript" label="JS SDK snippet" copyLabel="Copy JS SDK snippet" />
            <h3 className="text-sm font-semibold">curl</h3>
            <CodeBlock code={snippets.curl} language="bash" label="curl snippet" copyLabel="Copy curl snippet" />
            <h3 className="text-sm font-semibold">fetch</h3>
            <CodeBlock code={snippets.fetch} language="javascript" label="fetch snippet" copyLabel="Copy fetch snippet" />
          </div>
        </Card>
      ) : (
        <Card title="Connect your users">
          <p className="text-sm text-slate-600">
            App-Level resources use the app&apos;s credentials for every user: there is nothing to connect.
          </p>
        </Card>
      )}

      <div className="flex items-center justify-between border-t border-slate-200 pt-4">
        <p className="text-sm text-slate-600">
          {view.publishedAt ? `Published ${timeFormat.format(view.publishedAt)} UTC.` : "Not published yet."} Finish publishes this
          configuration.
        </p>
        <FinishButton projectId={draft.projectId} resourceId={draft.id} needsConfirmation={view.needsConfirmation} />
      </div>
    </div>
  );
}

/** What the test connection holds now: which tokens are set (never their values) and the Required Inputs typed at the sign-in. */
function TestConnectionState({
  keys,
  savedValues,
  savedSecrets,
}: {
  keys: readonly RequiredKey[];
  savedValues: Readonly<Record<string, string>>;
  savedSecrets: readonly string[];
}) {
  if (!savedSecrets.includes("access_token")) return <p className="mb-4 text-sm text-slate-600">No test account is connected yet.</p>;
  return (
    <dl className="mb-4 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
      {keys.map((key) => (
        <div key={key.key} className="contents">
          <dt className="text-slate-600">{key.label}</dt>
          <dd>{key.secret ? (savedSecrets.includes(key.key) ? "Set" : "Not issued") : (savedValues[key.key] ?? "—")}</dd>
        </div>
      ))}
    </dl>
  );
}
