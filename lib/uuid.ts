import { z } from "zod";

// Built once: `z.uuid()` builds a new schema on every call, and every Connect API call checks
// the ids in its path.
const uuidSchema = z.uuid();

/** Whether `value` is a UUID (an id from a path, checked before it reaches a uuid column). */
export function isUuid(value: unknown): value is string {
  return uuidSchema.safeParse(value).success;
}
