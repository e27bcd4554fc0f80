import type { HttpMethod, OperationObject } from "@/lib/api/openapi/types";

/** Whether an operation takes a Secret Key and no User Token (the configuration operations). */
export function takesSecretKeyOnly(operation: Pick<OperationObject, "security">): boolean {
  return operation.security.every((requirement) => !("UserToken" in requirement));
}

/** Text for inside a double-quoted shell string. */
function shellDoubleQuoted(value: string): string {
  return value.replace(/[\\"$`]/g, (char) => `\\${char}`);
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `resourceId` → `RESOURCE_ID`. */
export function variableName(parameter: string): string {
  return parameter.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/**
 * A curl call of one operation: the Project ID filled in, every other path parameter and
 * the credential left as shell variables (RESOURCE_ID, USER_TOKEN — SECRET_KEY for the
 * operations that take a Secret Key only).
 */
export function curlExample({
  origin,
  method,
  path,
  projectId,
  body,
  secretKeyOnly = false,
}: {
  origin: string;
  method: HttpMethod;
  path: string;
  projectId: string;
  body?: unknown;
  secretKeyOnly?: boolean;
}): string {
  const url = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const parameter = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (parameter === undefined) return shellDoubleQuoted(part);
      return parameter === "projectId" ? shellDoubleQuoted(projectId) : `$${variableName(parameter)}`;
    })
    .join("");
  const lines = [
    `curl${method === "get" ? "" : ` -X ${method.toUpperCase()}`} "${shellDoubleQuoted(origin)}${url}"`,
    `  -H "Authorization: Bearer $${secretKeyOnly ? "SECRET_KEY" : "USER_TOKEN"}"`,
  ];
  if (body !== undefined) lines.push(`  -H "Content-Type: application/json"`, `  -d ${shellQuote(JSON.stringify(body))}`);
  return `${lines.join(" \\\n")}\n`;
}
