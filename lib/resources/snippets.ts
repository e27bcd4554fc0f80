import type { RequiredKey } from "./required-keys";

export interface ConnectSnippets {
  sdk: string;
  curl: string;
  fetch: string;
}

/** Code a product team copies to connect a user's credentials to this resource. */
export function connectSnippets({
  origin,
  projectId,
  resourceId,
  resourceName,
  keys,
}: {
  origin: string;
  projectId: string;
  resourceId: string;
  resourceName: string;
  keys: readonly RequiredKey[];
}): ConnectSnippets {
  const payload = Object.fromEntries(keys.map((key) => [key.key, `<${key.key}>`]));
  const payloadLines = (indent: string) =>
    keys.map((key) => `${indent}${JSON.stringify(key.key)}: ${JSON.stringify(`<${key.key}>`)},`).join("\n");
  const connectUrl = `${origin}/projects/${projectId}/sdk/resources/${resourceId}/connect`;

  const sdk = `import { authenticate, connectAction } from "${origin}/sdk.js";

// userToken: a JWT your backend signs (RS256) with this project's signing key; sub = your user's id.
await authenticate(${JSON.stringify(projectId)}, userToken, { baseUrl: ${JSON.stringify(origin)} });

await connectAction(${JSON.stringify(resourceName)}, {
${payloadLines("  ")}
});
`;

  const curl = `curl -X POST ${shellQuote(connectUrl)} \\
  -H "Authorization: Bearer $USER_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d ${shellQuote(JSON.stringify(payload))}
`;

  const fetchSnippet = `const response = await fetch(${JSON.stringify(connectUrl)}, {
  method: "POST",
  headers: {
    Authorization: \`Bearer \${userToken}\`,
    "Content-Type": "application/json",
  },
  body: JSON.stringify({
${payloadLines("    ")}
  }),
});
const connection = await response.json();
`;
  return { sdk, curl, fetch: fetchSnippet };
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
