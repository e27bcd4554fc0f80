// Tool names: what an agent calls a tool by, `^[a-z][a-z0-9_]{0,63}$`.

export const TOOL_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_LENGTH = 64;

/** `listTasks` → `list_tasks`, `get-task.v2` → `get_task_v2`; without an operationId, `get_tasks_id` from `GET /tasks/{id}`. */
export function toolNameFrom(operationId: string | undefined, method: string, path: string): string {
  const source = operationId?.trim() ? operationId : `${method} ${path}`;
  let name = source
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!/^[a-z]/.test(name)) name = `op_${name}`.replace(/_+$/, "");
  return name.slice(0, MAX_LENGTH).replace(/_+$/, "");
}

/** `name`, or `name_2`, `name_3`… (cut to fit) when `taken` has it. */
export function uniqueToolName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const candidate = `${name.slice(0, MAX_LENGTH - suffix.length).replace(/_+$/, "")}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** What a call of a tool the user does not have answers (404 tool_not_found). */
export function toolNotFoundMessage(name: string): string {
  return `This user has no tool named ${name}.`;
}
