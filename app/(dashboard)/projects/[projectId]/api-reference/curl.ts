import type { HttpMethod } from "@/lib/api/openapi";

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
 * the User Token left as shell variables (RESOURCE_ID, USER_TOKEN).
 */
export function curlExample({
  origin,
  method,
  path,
  projectId,
  body,
}: {
  origin: string;
  method: HttpMethod;
  path: string;
  projectId: string;
  body?: unknown;
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
    `  -H "Authorization: Bearer $USER_TOKEN"`,
  ];
  if (body !== undefined) lines.push(`  -H "Content-Type: application/json"`, `  -d ${shellQuote(JSON.stringify(body))}`);
  return `${lines.join(" \\\n")}\n`;
}
