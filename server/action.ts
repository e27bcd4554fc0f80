import "server-only";
// The server-action adapter: every action authenticates, authorizes the project, validates
// its input with zod and answers one result shape, mapping AppErrors from lib/ to it.
import { z } from "zod";
import type { ProjectMembership } from "@/db/queries/projects";
import type { SessionUser } from "@/lib/auth/session-user";
import { unstable_rethrow } from "next/navigation";
import { unexpectedAppError } from "@/lib/api/errors";
import { type ActionResult, actionErrorResult, AppError, invalidInputError } from "@/lib/errors";
import { findUnstorableTextKeys, unstorableTextMessage } from "@/lib/jsonb";
import { log } from "@/lib/log";
import { getProjectAccess } from "@/lib/projects/access";
import { canChangeResources } from "@/lib/projects/roles";
import { getSessionUser } from "./session";

export type { ActionResult };

/** Runs an action body: what it answers is the result; an AppError it throws (from lib/) is the error result. */
async function run<T>(body: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof AppError) return actionErrorResult(error);
    // Next's redirect() and notFound() travel as errors: they are not failures.
    unstable_rethrow(error);
    // Answered and logged like a route's 503 or 500 (lib/api/errors.ts): the logger cuts out the data a message quotes.
    const known = unexpectedAppError(error);
    if (known.code === "database_unavailable") log.warn({ error }, "The database did not answer a server action");
    else log.error({ error }, "Unexpected error in a server action");
    return actionErrorResult(known);
  }
}

/** The action's input, parsed: what the schema refuses, and text the database cannot store, is an invalid_input error on its field. */
function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalidInputError(parsed.error);
  // A form cannot send a NUL or a lone surrogate, but a caller of the action can; PostgreSQL
  // refuses both in text, which would fail the action's statement as an unexpected error.
  const keys = findUnstorableTextKeys(parsed.data);
  if (keys) {
    throw new AppError(
      "invalid_input",
      keys.length ? { fields: { [keys.join(".")]: unstorableTextMessage() } } : { message: unstorableTextMessage() },
    );
  }
  return parsed.data;
}

/** An action open to anyone (sign-up): it validates its input and nothing else. */
export function publicAction<S extends z.ZodType, T>(schema: S, handler: (input: z.output<S>) => Promise<ActionResult<T>>) {
  return (input: z.input<S>): Promise<ActionResult<T>> =>
    run(async () => {
      return handler(parseInput(schema, input));
    });
}

/** An action for any signed-in user. */
export function userAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.output<S>, ctx: { user: SessionUser }) => Promise<ActionResult<T>>,
) {
  return (input: z.input<S>): Promise<ActionResult<T>> =>
    run(async () => {
      const user = await getSessionUser();
      if (!user) throw new AppError("not_signed_in");
      return handler(parseInput(schema, input), { user });
    });
}

/**
 * An action on one project: the input names the project, and the signed-in user must be a
 * member (or its owner, with `{ ownerOnly: true }`; its owner or an admin, with
 * `{ resourceEditor: true }`) whatever the UI showed them.
 */
export function projectAction<S extends z.ZodType<{ projectId: string }>, T>(
  schema: S,
  handler: (input: z.output<S>, ctx: { user: SessionUser; membership: ProjectMembership }) => Promise<ActionResult<T>>,
  options: { ownerOnly?: boolean; resourceEditor?: boolean } = {},
) {
  return userAction(schema, async (input, { user }) => {
    const membership = await getProjectAccess(user, input.projectId);
    if (!membership) throw new AppError("project_not_found", { message: "Project not found." });
    if (options.ownerOnly && membership.role !== "owner") throw new AppError("owner_only");
    if (options.resourceEditor && !canChangeResources(membership.role)) throw new AppError("resource_editor_only");
    return handler(input, { user, membership });
  });
}
