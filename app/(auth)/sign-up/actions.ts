"use server";

import { createUserWithProject } from "@/db/queries/users";
import { publicAction } from "@/server/action";
import { hashPassword } from "@/lib/auth/password";
import { signUpSchema } from "@/lib/auth/schema";

export const signUp = publicAction(signUpSchema, async ({ email, password }) => {
  const created = await createUserWithProject({
    email,
    passwordHash: await hashPassword(password),
    projectName: "My project",
  });
  if (!created) {
    return { ok: false, fieldErrors: { email: ["An account with this email already exists. Sign in instead."] } };
  }
  return { ok: true, data: { projectId: created.projectId } };
});
