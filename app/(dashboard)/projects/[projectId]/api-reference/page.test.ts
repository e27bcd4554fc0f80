import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { PROJECT_ID } from "@/test/support/openapi";

vi.mock("@/server/require-user", () => ({
  requireProjectAccess: vi.fn(async (projectId: string) => ({
    user: { id: "u-1", email: "dev@example.com" },
    project: { id: projectId, name: "TaskLab", allowPrivateNetwork: false },
    role: "owner",
  })),
}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "switchboard.test", "x-forwarded-proto": "https" }),
}));

describe("API Reference page", () => {
  it("renders each operation with its curl example for the project", async () => {
    const { default: ApiReferencePage } = await import("@/app/(dashboard)/projects/[projectId]/api-reference/page");
    const html = renderToString(await ApiReferencePage({ params: Promise.resolve({ projectId: PROJECT_ID }) }));
    const text = html
      .replace(/<[^>]+>/g, "")
      .replaceAll("&quot;", '"')
      .replaceAll("&#x27;", "'")
      .replaceAll("&amp;", "&");

    expect(html).toContain('href="/api/openapi.json"');
    for (const summary of ["Connect a user to a resource", "Disconnect a user from a resource", "Get the connected user"])
      expect(text).toContain(summary);
    expect(text).toContain(`curl -X POST "https://switchboard.test/projects/${PROJECT_ID}/sdk/resources/$RESOURCE_ID/connect"`);
    expect(text).toContain(`curl -X DELETE "https://switchboard.test/projects/${PROJECT_ID}/sdk/resources/$RESOURCE_ID/connect"`);
    expect(text).toContain(`curl "https://switchboard.test/projects/${PROJECT_ID}/sdk/me"`);
    expect(text).toContain(`curl -X POST "https://switchboard.test/projects/${PROJECT_ID}/sdk/events"`);
    expect(text).toContain(`-d '{"name":"task.created","payload":{"taskId":"t_123","title":"Write the report"}}'`);
    expect(text).toContain(`curl -X POST "https://switchboard.test/projects/${PROJECT_ID}/sdk/workflows/$WORKFLOW_ID/runs"`);
    expect(text).toContain("Set $USER_TOKEN and $WORKFLOW_ID in your shell first");
    expect(text).not.toContain("$WAIT");
    expect(text).toContain(`-d '{"access_token":"eyJ...","refresh_token":"ref_123..."}'`);
    // The configuration operations take a Secret Key, and say so in their curl.
    expect(text).toContain(`curl -X PUT "https://switchboard.test/projects/${PROJECT_ID}/api/resources/$RESOURCE_ID/config"`);
    expect(text).toContain(
      `curl "https://switchboard.test/projects/${PROJECT_ID}/api/workflows/$WORKFLOW_ID/config" \\\n  -H "Authorization: Bearer $SECRET_KEY"`,
    );
    expect(text).toContain("SECRET_KEY is a Secret Key of the project");
    expect(text).toContain("Retry-After");
    expect(text).toContain("origin_not_allowed");
    expect(html).toContain('id="schema-Connection"');
    expect(html).toContain('href="#schema-Connection"');
  });
});
