"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { MAX_CONFIG_BODY_BYTES } from "@/lib/as-code/api-schema";
import { exportResource, importResource } from "@/lib/as-code/resource";
import { exportWorkflow, importWorkflow } from "@/lib/as-code/workflow";
import { dashboardActor } from "@/lib/audit/audit-log";
import { AppError } from "@/lib/errors";
import { JSON_TOO_DEEP_MESSAGE, jsonNestsDeeperThan } from "@/lib/json";
import { projectIdSchema } from "@/lib/projects/schema";
import { projectAction } from "@/server/action";

// Export and Import on the dashboard: the same lib/as-code calls as the configuration API,
// for a signed-in member of the project.

const pretty = (document: unknown) => `${JSON.stringify(document, null, 2)}\n`;

export const exportResourceConfig = projectAction(z.object({ projectId: projectIdSchema, resourceId: z.uuid() }), async (input) => ({
  ok: true,
  data: pretty(await exportResource(input)),
}));

export const exportWorkflowConfig = projectAction(z.object({ projectId: projectIdSchema, workflowId: z.uuid() }), async (input) => ({
  ok: true,
  data: pretty(await exportWorkflow(input)),
}));

const importInput = z.object({
  projectId: projectIdSchema,
  json: z
    .string()
    .trim()
    .min(1, { error: "Paste the exported JSON, or choose a file." })
    .max(MAX_CONFIG_BODY_BYTES, { error: "Use at most 1 MB." }),
});

function parseJson(json: string): unknown {
  if (jsonNestsDeeperThan(json)) throw new AppError("invalid_input", { fields: { json: JSON_TOO_DEEP_MESSAGE } });
  try {
    return JSON.parse(json);
  } catch {
    throw new AppError("invalid_input", { fields: { json: "This is not valid JSON: paste the whole exported document." } });
  }
}

/** Imports a resource document as a new draft (for the owner or an admin, who change resources); answers where to go: its first step with a secret to enter. */
export const importResourceConfig = projectAction(
  importInput,
  async ({ projectId, json }, { user }) => {
    const { resourceId, openStep } = await importResource({ projectId, document: parseJson(json), actor: dashboardActor(user) });
    revalidatePath(`/projects/${projectId}/resources`);
    return { ok: true, data: { href: `/projects/${projectId}/resources/${resourceId}/${openStep}` } };
  },
  { resourceEditor: true },
);

export const importWorkflowConfig = projectAction(importInput, async ({ projectId, json }, { user }) => {
  const { workflowId } = await importWorkflow({ projectId, document: parseJson(json), actor: dashboardActor(user) });
  revalidatePath(`/projects/${projectId}/workflows`);
  return { ok: true, data: { href: `/projects/${projectId}/workflows/${workflowId}` } };
});
