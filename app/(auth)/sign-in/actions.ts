"use server";

import { redirect, RedirectType } from "next/navigation";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { signInSchema } from "@/lib/auth/schema";
import { addressThrottledMessage, throttledMessage } from "@/lib/auth/throttle";
import { publicAction } from "@/server/action";
import { requestOrigin, signInWithPassword } from "@/server/sign-in";
import { formText } from "../form-data";

/** What a failed sign-in answers: the errors, and the email to fill the form with again (never the password). */
export type SignInState = { email: string; fieldErrors?: Record<string, string[]>; formError?: string } | undefined;

const checkAndStartSession = publicAction(signInSchema, async (input) => {
  const result = await signInWithPassword(input);
  if (result.ok) return { ok: true, data: undefined };
  if (result.reason === "invalid") return { ok: false, formError: "Invalid email or password." };
  const formError =
    result.scope === "email" ? throttledMessage(result.retryAfterSeconds) : addressThrottledMessage("signIn", result.retryAfterSeconds);
  return { ok: false, formError };
});

/**
 * The sign-in form's action, with or without JavaScript: the fields come in a POST body, and
 * on success the user is sent to the form's callbackUrl when it is a page of this origin.
 */
export async function signIn(_state: SignInState, formData: FormData): Promise<SignInState> {
  const email = formText(formData, "email");
  const result = await checkAndStartSession({ email, password: formText(formData, "password") });
  if (!result.ok) return { email, fieldErrors: result.fieldErrors, formError: result.formError };
  // Replace: Back does not lead to the sign-in form again.
  redirect(safeCallbackUrl(formText(formData, "callbackUrl"), await requestOrigin()), RedirectType.replace);
}
