// postgres.js and PGlite both report PostgreSQL's SQLSTATE as `code` and the violated
// constraint as `constraint`/`constraint_name`; drizzle may wrap them in `cause`.
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let current = error; current instanceof Error || isObject(current); current = (current as { cause?: unknown }).cause) {
    const { code, constraint: name, constraint_name: nameAlt } = current as Record<string, unknown>;
    if (code === "23505") return name === constraint || nameAlt === constraint;
  }
  return false;
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}
