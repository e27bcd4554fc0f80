"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { deleteResource as deleteResourceRow, getResource } from "@/db/queries/resources";
import { type ActionResult, projectAction } from "@/server/action";
import { dashboardActor } from "@/lib/audit/audit-log";
import { projectIdSchema } from "@/lib/projects/schema";
import { createResourceDraft, saveResourceStep as saveStep } from "@/lib/resources/save-step";
import { RESOURCE_WIZARD_STEPS } from "@/lib/resources/schema";
import { type CreatedConnectSession, createTestConnectSession } from "@/lib/connect-portal/sessions";
import { assertResourceNotInDeployedWorkflows } from "@/lib/workflows/workflows";
import {
  publishResourceDraft,
  saveTestCredentialsForResource,
  sendTestRequestThroughResource,
  testRequestSchema,
} from "@/lib/connections/test-and-publish";

// The step's own values are validated by lib/resources/save-step against the saved draft,
// whose earlier steps decide what the later ones may contain.
const stepValues = z.record(z.string(), z.unknown());

// Every action that changes a resource is for its project's owner or an admin: a resource's
// base URL and authentication decide where each connected user's credentials go.
const resourceEditor = { resourceEditor: true };

export const createResource = projectAction(
  z.object({ projectId: projectIdSchema, values: stepValues }),
  async ({ projectId, values }, { user }) => ({
    ok: true,
    data: await createResourceDraft({ projectId, values, actor: dashboardActor(user) }),
  }),
  resourceEditor,
);

export const saveResourceStep = projectAction(
  z.object({
    projectId: projectIdSchema,
    resourceId: z.uuid(),
    step: z.enum(RESOURCE_WIZARD_STEPS),
    values: stepValues,
  }),
  async (input, { user }) => ({ ok: true, data: await saveStep({ ...input, actor: dashboardActor(user) }) }),
  resourceEditor,
);

export const deleteResource = projectAction(
  z.object({ projectId: projectIdSchema, resourceId: z.uuid() }),
  async ({ projectId, resourceId }, { user }) => {
    // A deployed workflow's request steps would fail on every run: refused, naming the workflows.
    await assertResourceNotInDeployedWorkflows({ projectId, resourceId });
    const deleted = await deleteResourceRow({ projectId, resourceId, actor: dashboardActor(user) });
    return deleted ? { ok: true, data: undefined } : { ok: false, formError: "Resource not found." };
  },
  resourceEditor,
);

export const saveTestCredentials = projectAction(
  z.object({ projectId: projectIdSchema, resourceId: z.uuid(), values: z.record(z.string(), z.string()) }),
  async ({ projectId, resourceId, values }, { user }) => {
    const resource = await getResource({ projectId, resourceId });
    if (!resource) return { ok: false, formError: "Resource not found." };
    await saveTestCredentialsForResource({ resource, values, actor: dashboardActor(user) });
    return { ok: true, data: undefined };
  },
  resourceEditor,
);

const resourceRef = z.object({ projectId: projectIdSchema, resourceId: z.uuid() });

/**
 * Connect test account (User-Level OAuth 2.0 Authorization Code): a 10-minute Connect Portal
 * session for the resource's test connection, over its draft configuration. The step opens its
 * URL in a popup, which tells Switchboard's own origin how it ended.
 */
export const connectTestAccount = projectAction(
  resourceRef,
  async ({ projectId, resourceId }): Promise<ActionResult<CreatedConnectSession>> => ({
    ok: true,
    data: await createTestConnectSession({ projectId, resourceId }),
  }),
  resourceEditor,
);

/** Connect test account without JavaScript: the same session, and the browser goes to the portal's page (which says how it ended). */
export async function openTestAccountPortal(input: z.input<typeof resourceRef>): Promise<void> {
  const result = await connectTestAccount(input);
  if (result.ok) redirect(result.data.url);
}

export const sendTestRequest = projectAction(
  testRequestSchema.extend({ projectId: projectIdSchema, resourceId: z.uuid() }),
  async ({ projectId, resourceId, method, path }, { membership }) => ({
    ok: true,
    data: await sendTestRequestThroughResource({
      projectId,
      resourceId,
      allowPrivateNetwork: membership.project.allowPrivateNetwork,
      call: { method, path },
    }),
  }),
);

export const publishResource = projectAction(
  z.object({ projectId: projectIdSchema, resourceId: z.uuid() }),
  async (input, { user }) => {
    await publishResourceDraft({ ...input, actor: dashboardActor(user) });
    return { ok: true, data: undefined };
  },
  resourceEditor,
);
