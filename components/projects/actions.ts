"use server";

import { createProject as createProjectRow } from "@/db/queries/projects";
import { userAction } from "@/server/action";
import { createProjectSchema } from "@/lib/projects/schema";

export const createProject = userAction(createProjectSchema, async ({ name }, { user }) => {
  const project = await createProjectRow({ userId: user.id, name });
  return { ok: true, data: { projectId: project.id } };
});
