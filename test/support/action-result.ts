import { type ActionResult, actionErrorResult, AppError } from "@/lib/errors";

/** What a server action would answer for this domain call: its data, or its AppError as the action adapter maps it. */
export async function settle<T>(call: Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await call };
  } catch (error) {
    if (error instanceof AppError) return actionErrorResult(error);
    throw error;
  }
}
