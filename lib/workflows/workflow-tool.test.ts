import { describe, expect, it } from "vitest";
import { workflowEditorSchema } from "./editor-schema";
import { inferToolInputSchema, inputSchemaText, workflowToolSchema } from "./workflow-tool";

// Expose as a tool's fields as the editor's form and the save action read them (the JSON Schema's
// compiling and the name's uniqueness are the server's: lib/tools/workflow-tools.db.test.ts).

const tool = { name: "create_task", description: "Creates a task.", inputSchema: '{"type": "object", "properties": {}}' };
const issues = (value: unknown) =>
  workflowToolSchema.safeParse(value).error?.issues.map((issue) => [issue.path.join("."), issue.message] as const) ?? [];

describe("workflowToolSchema", () => {
  it("reads the input schema from the editor's JSON text or as the object stored or imported", () => {
    expect(workflowToolSchema.parse(tool)).toEqual({ ...tool, inputSchema: { type: "object", properties: {} } });
    expect(workflowToolSchema.parse({ ...tool, inputSchema: { type: "object" } }).inputSchema).toEqual({ type: "object" });
  });

  it("refuses a name that is not a tool name, an empty description, and a schema that is not JSON or not of an object", () => {
    expect(issues({ ...tool, name: "Create-Task" })).toEqual([["name", expect.stringMatching(/lowercase letters/)]]);
    expect(issues({ ...tool, name: "get_run_status" })).toEqual([["name", expect.stringMatching(/Switchboard's own tool/)]]);
    expect(issues({ ...tool, description: "  " })).toEqual([["description", expect.stringMatching(/Describe what the tool does/)]]);
    expect(issues({ ...tool, inputSchema: "{" })).toEqual([["inputSchema", expect.stringMatching(/not JSON/)]]);
    expect(issues({ ...tool, inputSchema: "" })).toEqual([["inputSchema", expect.stringMatching(/Enter a JSON Schema of an object/)]]);
    for (const schema of ['{"type": "array"}', "[]", '{"properties": {}}'])
      expect(issues({ ...tool, inputSchema: schema })).toEqual([["inputSchema", expect.stringMatching(/"type": "object"/)]]);
  });

  it("is the Request trigger's tool in the editor's schema, with errors at trigger.tool.*", () => {
    const values = { name: "Create task", sampleTrigger: "", steps: [], trigger: { kind: "request", tool: { ...tool, name: "" } } };
    const parsed = workflowEditorSchema.safeParse(values);
    expect(parsed.error?.issues.map((issue) => issue.path.join("."))).toEqual(["trigger.tool.name"]);
    expect(workflowEditorSchema.parse({ ...values, trigger: { kind: "request" } }).trigger).toEqual({ kind: "request" });
  });
});

describe("inferToolInputSchema", () => {
  it("makes the Sample trigger input's body a schema of an object: each property's type, every present key required", () => {
    const schema = inferToolInputSchema({
      body: { title: "Write", count: 2, ratio: 0.5, done: false, due: null, tags: ["a"], owner: { id: "u_1" }, empty: [] },
    });
    expect(schema).toEqual({
      type: "object",
      properties: {
        title: { type: "string" },
        count: { type: "integer" },
        ratio: { type: "number" },
        done: { type: "boolean" },
        due: { type: "null" },
        tags: { type: "array", items: { type: "string" } },
        owner: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
        empty: { type: "array" },
      },
      required: ["title", "count", "ratio", "done", "due", "tags", "owner", "empty"],
    });
    expect(workflowToolSchema.parse({ ...tool, inputSchema: inputSchemaText(schema) }).inputSchema).toEqual(schema);
  });

  it("is an empty object's schema without a body that is an object", () => {
    expect(inferToolInputSchema({})).toEqual({ type: "object", properties: {} });
    expect(inferToolInputSchema({ body: [1, 2] })).toEqual({ type: "object", properties: {} });
  });
});
