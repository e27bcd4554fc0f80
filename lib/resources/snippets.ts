import type { PortalFlow } from "@/lib/connect-portal/flow";
import type { RequiredKey } from "./required-keys";

export interface ConnectSnippets {
  sdk: string;
  curl: string;
  fetch: string;
}

/**
 * Code a product team copies to connect a user's credentials to this resource. The JS SDK's: for an
 * Authorization Code resource, `connect(name)` (the Connect Portal runs the sign-in); otherwise
 * `connectAction(name, credentials)`, and for API Keys `connect(name)` as the alternative.
 */
export function connectSnippets({
  origin,
  projectId,
  resourceId,
  resourceName,
  keys,
  flow,
}: {
  origin: string;
  projectId: string;
  resourceId: string;
  resourceName: string;
  keys: readonly RequiredKey[];
  /** How the Connect Portal connects this resource's users, if it does (portalFlow). */
  flow?: PortalFlow;
}): ConnectSnippets {
  const payload = Object.fromEntries(keys.map((key) => [key.key, `<${key.key}>`]));
  const payloadLines = (indent: string) =>
    keys.map((key) => `${indent}${JSON.stringify(key.key)}: ${JSON.stringify(`<${key.key}>`)},`).join("\n");
  const connectUrl = `${origin}/projects/${projectId}/sdk/resources/${resourceId}/connect`;

  const name = JSON.stringify(resourceName);
  const sdkImports = flow === "authorization_code" ? "connect" : flow === "api_keys" ? "connect, connectAction" : "connectAction";
  const sdkConnect =
    flow === "authorization_code"
      ? `// From a click: the Connect Portal opens in a popup, the user signs in and allows access, and the connection is saved.
const result = await connect(${name});
if (result.status === "error") console.error(result.error.message);
`
      : `await connectAction(${name}, {
${payloadLines("  ")}
});
${
  flow === "api_keys"
    ? `
// Or, from a click, let the Connect Portal ask the user for them in a popup:
// const result = await connect(${name});
`
    : ""
}`;
  const sdk = `import { authenticate, ${sdkImports} } from "${origin}/sdk.js";

// userToken: a JWT your backend signs (RS256) with this project's signing key; sub = your user's id.
await authenticate(${JSON.stringify(projectId)}, userToken, { baseUrl: ${JSON.stringify(origin)} });

${sdkConnect}`;

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
