import "server-only";
import { z } from "zod";
import type { ProjectMembership } from "@/db/queries/projects";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { getProjectAccess } from "@/lib/projects/access";

/** What every server action answers; forms map fieldErrors to fields and formError to the form. */
export type ActionResult<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; fieldErrors?: Record<string, string[]>; formError?: string };

export const SIGNED_OUT_ERROR = "Your session has ended. Sign in again.";
export const PROJECT_NOT_FOUND_ERROR = "Project not found.";
export const OWNER_ONLY_ERROR = "Only the project owner can do this.";

export function actionError(formError: string): ActionResult<never> {
  return { ok: false, formError };
}

function invalidInput(error: z.ZodError): ActionResult<never> {
  const { formErrors, fieldErrors } = z.flattenError(error);
  return {
    ok: false,
    fieldErrors: fieldErrors as Record<string, string[]>,
    formError: formErrors[0] ?? (Object.keys(fieldErrors).length ? undefined : "Invalid input."),
  };
}

/** An action open to anyone (sign-up): it validates its input and nothing else. */
export function publicAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.output<S>) => Promise<ActionResult<T>>,
) {
  return async (input: z.input<S>): Promise<ActionResult<T>> => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) return invalidInput(parsed.error);
    return handler(parsed.data);
  };
}

/** An action for any signed-in user. */
export function userAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.output<S>, ctx: { user: SessionUser }) => Promise<ActionResult<T>>,
) {
  return async (input: z.input<S>): Promise<ActionResult<T>> => {
    const user = await getSessionUser();
    if (!user) return actionError(SIGNED_OUT_ERROR);
    const parsed = schema.safeParse(input);
    if (!parsed.success) return invalidInput(parsed.error);
    return handler(parsed.data, { user });
  };
}

/**
 * An action on one project: the input names the project, and the signed-in user must be a
 * member (or its owner, with `{ ownerOnly: true }`) whatever the UI showed them.
 */
export function projectAction<S extends z.ZodType<{ projectId: string }>, T>(
  schema: S,
  handler: (input: z.output<S>, ctx: { user: SessionUser; membership: ProjectMembership }) => Promise<ActionResult<T>>,
  options: { ownerOnly?: boolean } = {},
) {
  return userAction(schema, async (input, { user }) => {
    const membership = await getProjectAccess(user, input.projectId);
    if (!membership) return actionError(PROJECT_NOT_FOUND_ERROR);
    if (options.ownerOnly && membership.role !== "owner") return actionError(OWNER_ONLY_ERROR);
    return handler(input, { user, membership });
  });
}
