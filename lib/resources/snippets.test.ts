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

  it("has the JS SDK open the Connect Portal with connect(name) for an Authorization Code resource", () => {
    const tokens = [
      { key: "access_token", label: "Access Token", secret: true, optional: false, header: true },
      { key: "refresh_token", label: "Refresh Token", secret: true, optional: true, header: false },
    ];
    const { sdk, curl } = connectSnippets({ ...ids, keys: tokens, flow: "authorization_code" });
    expect(sdk).toContain('import { authenticate, connect } from "https://switchboard.example/sdk.js";');
    expect(sdk).toContain(`const result = await connect("Task 'Lab'");`);
    expect(sdk).not.toContain("connectAction");
    expect(sdk).not.toContain("access_token");
    // The connect route still takes tokens a backend obtained.
    expect(curl).toContain('"access_token"');
  });

  it("keeps connectAction for API Keys, with connect(name) as the alternative", () => {
    const apiKeys = [{ key: "api_key", label: "api_key", secret: true, optional: false, header: true }];
    const { sdk } = connectSnippets({ ...ids, keys: apiKeys, flow: "api_keys" });
    expect(sdk).toContain('import { authenticate, connect, connectAction } from "https://switchboard.example/sdk.js";');
    expect(sdk).toContain(`await connectAction("Task 'Lab'", {\n  "api_key": "<api_key>",\n});`);
    expect(sdk).toContain(`// const result = await connect("Task 'Lab'");`);
  });

  it("offers only connectAction when the Connect Portal does not connect the resource (Refresh Token)", () => {
    const { sdk } = connectSnippets({ ...ids, keys });
    expect(sdk).toContain('import { authenticate, connectAction } from "https://switchboard.example/sdk.js";');
    expect(sdk).not.toContain("connect(");
  });
});
