import { describe, expect, it } from "vitest";
import { connectSnippets } from "./snippets";

const keys = [
  { key: "access_token", label: "Access Token", secret: true, optional: true, header: true },
  { key: "refresh_token", label: "Refresh Token", secret: true, optional: false, header: false },
  { key: "subdomain", label: "Subdomain", secret: false, optional: false, header: false },
];
const ids = { origin: "https://switchboard.example", projectId: "p-1", resourceId: "r-1", resourceName: "Task 'Lab'" };

describe("connectSnippets", () => {
  it("names the real project, resource and every required key", () => {
    const snippets = connectSnippets({ ...ids, keys });
    for (const snippet of Object.values(snippets)) {
      for (const key of keys) expect(snippet).toContain(`"${key.key}"`);
    }
    expect(snippets.sdk).toContain('authenticate("p-1", userToken');
    expect(snippets.sdk).toContain(`connectAction("Task 'Lab'", {`);
    expect(snippets.fetch).toContain('"https://switchboard.example/projects/p-1/sdk/resources/r-1/connect"');
  });

  it("quotes the curl body for the shell", () => {
    const { curl } = connectSnippets({ ...ids, keys: [{ key: "it's", label: "x", secret: false, optional: false, header: false }] });
    expect(curl).toContain(`-d '{"it'\\''s":"<it'\\''s>"}'`);
    expect(curl).toContain("'https://switchboard.example/projects/p-1/sdk/resources/r-1/connect'");
  });
});
