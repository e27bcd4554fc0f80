// What the SDK workflow route tests need beside test/support/workflow-fixtures.ts: a draft-only
// workflow, a step on no resource, the project's runs, and calls to an SDK route handler with a
// real Request as a User Token, a Secret Key or nobody.
import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { createWorkflow, saveWorkflowDraft } from "@/db/queries/workflows";
import { workflowRuns, type WorkflowRun } from "@/db/schema";
import type { StoredStep, StoredWorkflowDefinition } from "@/db/workflow-definition";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

/** A workflow with `definition` saved as its draft and never deployed; answers its id. */
export async function draftWorkflow(projectId: string, definition: StoredWorkflowDefinition): Promise<string> {
  const workflow = await createWorkflow({ projectId, name: `Draft ${randomUUID().slice(0, 8)}`, actor: SYSTEM_ACTOR });
  await saveWorkflowDraft({
    projectId,
    workflowId: workflow.id,
    name: workflow.name,
    draft: definition,
    sampleTrigger: {},
    actor: SYSTEM_ACTOR,
    changes: [],
  });
  return workflow.id;
}

/** A Condition that always holds: a step on no resource, so its workflow needs no user. */
export const alwaysStep: StoredStep = {
  key: "always",
  type: "condition",
  left: "a",
  operator: "equals",
  right: "a",
  whenTrue: [],
  otherwise: [],
};

/** Every run of the project, oldest first. */
export async function runsOf(projectId: string): Promise<WorkflowRun[]> {
  const db = await getDb();
  return db
    .select()
    .from(workflowRuns)
    .where(eq(workflowRuns.projectId, projectId))
    .orderBy(asc(workflowRuns.createdAt), asc(workflowRuns.id));
}

/** Who calls: a User Token, a Secret Key (naming a user in X-Switchboard-User, or none), or nobody. */
export type SdkAuth = { token: string } | { secretKey: string; user?: string } | null;

export type SdkResponseBody = Record<string, unknown> & { error?: { code: string; message: string; fields?: Record<string, string> } };

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls an SDK route handler directly with a real Request: a string `body` is sent as it is, anything else as JSON, undefined as none. */
export async function callSdkRoute(
  handler: RouteHandler,
  {
    url,
    params,
    auth,
    method = "POST",
    body,
    headers = {},
  }: { url: string; params: Record<string, string>; auth: SdkAuth; method?: string; body?: unknown; headers?: Record<string, string> },
) {
  const sent: Record<string, string> = { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers };
  if (auth && "token" in auth) sent.authorization = `Bearer ${auth.token}`;
  if (auth && "secretKey" in auth) {
    sent.authorization = `Bearer ${auth.secretKey}`;
    if (auth.user !== undefined) sent["x-switchboard-user"] = auth.user;
  }
  const request = new Request(`http://switchboard.test${url}`, {
    method,
    headers: sent,
    body: body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body),
  });
  const response = await handler(request, { params: Promise.resolve(params) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as SdkResponseBody) : undefined };
}
