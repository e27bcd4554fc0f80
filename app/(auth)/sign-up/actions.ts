"use server";

import { redirect, RedirectType } from "next/navigation";
import { signUpSchema } from "@/lib/auth/schema";
import { signUpWithPassword } from "@/lib/auth/sign-up";
import { publicAction } from "@/server/action";
import { requestClientAddress, startSession } from "@/server/sign-in";
import { formText } from "../form-data";

/** What a failed sign-up answers: the errors, and the email to fill the form with again (never the password). */
export type SignUpState = { email: string; fieldErrors?: Record<string, string[]>; formError?: string } | undefined;

const createAccountAndStartSession = publicAction(signUpSchema, async (input) => {
  const { user, projectId } = await signUpWithPassword({ ...input, clientAddress: await requestClientAddress() });
  await startSession(user);
  return { ok: true, data: { projectId } };
});

/**
 * The sign-up form's action, with or without JavaScript: the fields come in a POST body; the
 * new user is signed in and sent to their first project.
 */
export async function signUp(_state: SignUpState, formData: FormData): Promise<SignUpState> {
  const email = formText(formData, "email");
  const result = await createAccountAndStartSession({ email, password: formText(formData, "password") });
  if (!result.ok) return { email, fieldErrors: result.fieldErrors, formError: result.formError };
  redirect(`/projects/${result.data.projectId}/resources`, RedirectType.replace);
}
