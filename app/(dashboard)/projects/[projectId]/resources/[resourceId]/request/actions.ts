"use server";

import { z } from "zod";
import { projectAction, type ActionResult } from "@/server/action";
import { apiRequestSchema } from "@/lib/connections/api-schema";
import { type ApiResponseView, requestThroughResource } from "@/lib/connections/request";
import { AppError } from "@/lib/errors";
import { currentProjectState } from "@/lib/projects/sdk-state";
import { projectIdSchema } from "@/lib/projects/schema";

const sendConsoleRequestSchema = z.object({
  projectId: projectIdSchema,
  resourceId: z.uuid(),
  // The Connected User of a User-Level resource; App-Level resources ignore it.
  userId: z.string().trim().min(1).max(256).optional(),
  request: apiRequestSchema,
});

/**
 * Sends a request through a published resource of the project, as the request API does for
 * a Secret Key: the connection must belong to this project and resource, whatever id is sent.
 */
export const sendConsoleRequest = projectAction(
  sendConsoleRequestSchema,
  async ({ resourceId, userId, request }, { membership }): Promise<ActionResult<ApiResponseView>> => {
    const state = await currentProjectState(membership.project.id);
    if (!state) throw new AppError("project_not_found");
    const data = await requestThroughResource({
      project: state.project,
      resourceId,
      caller: { kind: "backend", userId },
      input: request,
    });
    return { ok: true, data };
  },
);
