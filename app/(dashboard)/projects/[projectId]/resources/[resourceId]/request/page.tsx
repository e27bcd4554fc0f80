import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { ResourceHeader } from "@/components/resources/resource-tabs";
import { Card } from "@/components/ui/card";
import { listResourceConnections } from "@/db/queries/connections";
import { getResource } from "@/db/queries/resources";
import { requireResourceDraft } from "@/server/require-resource";
import { RequestConsole } from "./request-console";

export const metadata: Metadata = { title: "Request" };

const linkClassName = "font-medium text-indigo-700 hover:underline";

type Params = Promise<{ projectId: string; resourceId: string }>;

export default async function RequestPage({ params }: { params: Params }) {
  const { projectId, resourceId } = await params;
  const draft = await requireResourceDraft(projectId, resourceId);
  const base = `/projects/${projectId}/resources/${resourceId}`;
  // Requests go through the published configuration, whose level may differ from the draft's.
  const published = (await getResource({ projectId, resourceId }))?.published;
  const users =
    published?.level === "user"
      ? (await listResourceConnections({ projectId, resourceId })).flatMap((connection) => (connection.userId ? [connection.userId] : []))
      : [];

  let content: ReactNode;
  if (!published) {
    content = (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-8 text-center text-sm text-slate-600">
        Publish this resource to send requests through it.{" "}
        <Link href={`${base}/test-and-publish`} className={linkClassName}>
          Test and Publish
        </Link>
      </p>
    );
  } else if (published.level === "user" && users.length === 0) {
    content = (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-8 text-center text-sm text-slate-600">
        No users have connected to this resource yet, and requests through a User-Level resource use a Connected User&apos;s credentials.
        Connect one through the SDK or the Connect API, then find them under{" "}
        <Link href={`${base}/connected-users`} className={linkClassName}>
          Connected Users
        </Link>
        .
      </p>
    );
  } else {
    content = (
      <Card>
        <div className="space-y-4">
          {published.level === "app" && <p className="text-sm text-slate-600">Uses the app&apos;s credentials.</p>}
          <RequestConsole projectId={projectId} resourceId={resourceId} users={published.level === "user" ? users : undefined} />
        </div>
      </Card>
    );
  }

  return (
    <div className="max-w-5xl space-y-6">
      <ResourceHeader projectId={projectId} resourceId={resourceId} name={draft.name} current="request" />
      <div>
        <h2 className="text-lg font-semibold">Request</h2>
        <p className="mt-1 text-sm text-slate-600">
          Sends a request to your API through the published resource, which adds the credentials. Your backend sends the same requests to{" "}
          <code className="font-mono text-xs break-all">
            POST /projects/{projectId}/sdk/resources/{resourceId}/request
          </code>{" "}
          with a{" "}
          <Link href={`/projects/${projectId}/settings`} className={linkClassName}>
            Secret Key
          </Link>
          .
        </p>
      </div>
      {content}
    </div>
  );
}
