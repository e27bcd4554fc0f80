"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { connectWithKeys, type ConnectFailure } from "@/lib/connect-portal/portal";

/** What the keys form shows after a try: the failure, and the values to keep (never a secret one). */
export interface KeysFormState {
  failure?: ConnectFailure;
  /** The session cannot be used any more: the form is not shown again. */
  final?: boolean;
  /** Non-secret values as typed, to fill the form again. */
  kept?: Record<string, string>;
}

const tokenSchema = z.string().min(1).max(64);
const valuesSchema = z.record(z.string().max(200), z.string().max(16 * 1024));

/**
 * Connect (API Keys): the portal's one server action. The session token is its authority (bound
 * by the page, checked by connectWithKeys); the form's values are validated there against the
 * resource's keys. Saved: on to the outcome page.
 */
export async function connectKeys(token: string, _previous: KeysFormState, form: FormData): Promise<KeysFormState> {
  const parsedToken = tokenSchema.safeParse(token);
  const entries = [...form].filter(([name, value]) => !name.startsWith("$") && typeof value === "string");
  const parsedValues = valuesSchema.safeParse(Object.fromEntries(entries));
  if (!parsedToken.success || !parsedValues.success) {
    return { failure: { code: "invalid_input", message: "The form could not be read. Reload the page and try again." } };
  }
  const values = parsedValues.data;
  const result = await connectWithKeys({ token: parsedToken.data, values });
  if (result.ok) redirect(`/connect/outcome/${result.sessionId}`);
  return { failure: result.failure, final: result.final, kept: result.kept };
}
