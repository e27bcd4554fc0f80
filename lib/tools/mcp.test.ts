import { describe, expect, it } from "vitest";
import { callToolResult, mcpClientConfiguration, mcpOutputSchema, mcpTool, mcpUrls } from "./mcp";

describe("MCP shapes", () => {
  it("declares an output schema only where it describes an object", () => {
    const object = { type: "object", properties: { id: { type: "string" } } };
    expect(mcpOutputSchema(object)).toBe(object);
    expect(mcpOutputSchema({ allOf: [{ $ref: "#/x" }, { type: "object" }] })).toEqual({
      type: "object",
      allOf: [{ $ref: "#/x" }, { type: "object" }],
    });
    expect(mcpOutputSchema({ type: "array", items: {} })).toBeUndefined();
    expect(mcpOutputSchema({ type: ["object", "null"] })).toBeUndefined();
    expect(mcpOutputSchema({ anyOf: [{ type: "object" }, { type: "string" }] })).toBeUndefined();
    expect(mcpOutputSchema(undefined)).toBeUndefined();
    expect(mcpTool({ name: "t", description: "d", inputSchema: { properties: {} }, outputSchema: { type: "string" } })).toEqual({
      name: "t",
      description: "d",
      inputSchema: { type: "object", properties: {} },
    });
  });

  it("answers an object as structuredContent, anything else as text, a failure as isError", () => {
    expect(callToolResult({ isError: false, status: 200, body: { id: "1" } })).toEqual({
      content: [{ type: "text", text: '{"id":"1"}' }],
      structuredContent: { id: "1" },
    });
    expect(callToolResult({ isError: false, status: 200, body: [1, 2] })).toEqual({ content: [{ type: "text", text: "[1,2]" }] });
    expect(callToolResult({ isError: false, status: 200, body: "plain" })).toEqual({ content: [{ type: "text", text: "plain" }] });
    expect(callToolResult({ isError: false, status: 204, body: undefined })).toEqual({ content: [{ type: "text", text: "" }] });
    expect(callToolResult({ isError: true, code: "reconnect_needed", message: "Connect again." })).toEqual({
      isError: true,
      content: [{ type: "text", text: "reconnect_needed: Connect again." }],
    });
    expect(callToolResult({ isError: true, code: "api_error", status: 500, message: "The API answered 500." })).toMatchObject({
      content: [{ text: "api_error (status 500): The API answered 500." }],
    });
  });

  it("names the endpoint and its metadata document (RFC 9728: the well-known segment before the path)", () => {
    expect(mcpUrls("p-1", "https://sb.example")).toEqual({
      resource: "https://sb.example/projects/p-1/mcp",
      metadata: "https://sb.example/.well-known/oauth-protected-resource/projects/p-1/mcp",
    });
  });

  it("configures an MCP client with the URL and a bearer token to fill in", () => {
    expect(JSON.parse(mcpClientConfiguration("https://sb.example/projects/p-1/mcp"))).toEqual({
      mcpServers: { switchboard: { url: "https://sb.example/projects/p-1/mcp", headers: { Authorization: "Bearer <User Token>" } } },
    });
  });
});
