import { describe, expect, it } from "vitest";
import { editorStepVariables, newStep, parseSampleTriggerLeniently, sampleTriggerText, workflowEditorSchema } from "./editor-schema";

const resourceId = "0f8e4c1a-5b7d-4e2f-9a3c-6d1b2e4f7a90";
const context = { resources: [{ id: resourceId, name: "TaskLab", level: "user" as const, profileFields: ["email"] }], lastTestOutputs: {} };

describe("the editor's form", () => {
  it("parses the sample payload's text into the object saved, empty as {}", () => {
    const values = { name: " Sync ", trigger: null, steps: [] };
    expect(workflowEditorSchema.parse({ ...values, sampleTrigger: '{"payload": {"taskId": "t_1"}}' })).toEqual({
      name: "Sync",
      trigger: null,
      steps: [],
      sampleTrigger: { payload: { taskId: "t_1" } },
    });
    expect(workflowEditorSchema.parse({ ...values, sampleTrigger: "  " }).sampleTrigger).toEqual({});
    expect(workflowEditorSchema.safeParse({ ...values, sampleTrigger: "{" }).error?.issues[0]).toMatchObject({ path: ["sampleTrigger"] });
    // Text PostgreSQL cannot store is refused on the field, before the save would fail.
    expect(workflowEditorSchema.safeParse({ ...values, sampleTrigger: '{"payload": {"title": "a\\u0000b"}}' }).error?.issues[0]).toMatchObject({
      path: ["sampleTrigger"],
      message: "A NUL character or a lone surrogate cannot be stored (at sample.payload.title).",
    });
    expect(sampleTriggerText({})).toBe("");
    expect(parseSampleTriggerLeniently(sampleTriggerText({ body: { a: 1 } }))).toEqual({ body: { a: 1 } });
    expect(parseSampleTriggerLeniently('"text"')).toEqual({});
  });

  it("gives new steps the first free key of their kind", () => {
    const first = newStep({ type: "request", resourceId }, []);
    expect(first).toMatchObject({ key: "request_1", type: "request", resourceId, method: "GET", path: "/", retries: true });
    expect(newStep({ type: "request", resourceId }, [first, { key: "request_3" }]).key).toBe("request_2");
    expect(newStep({ type: "delay" }, [first])).toEqual({ key: "delay_1", type: "delay", seconds: 60 });
    expect(workflowEditorSchema.safeParse({ name: "W", trigger: null, sampleTrigger: "", steps: [first, newStep({ type: "condition" }, [first])] }).success).toBe(true);
  });

  it("lists each step's variables from the form as it stands: unsaved steps, trigger and sample included", () => {
    const values = {
      trigger: { kind: "request" as const },
      sampleTrigger: '{"body": {"taskId": "t_1"}}',
      steps: [newStep({ type: "request", resourceId }, []), newStep({ type: "delay" }, [])],
    };
    const [first, second] = editorStepVariables(values, context);
    expect(first).toEqual(expect.arrayContaining(["trigger.body", "trigger.body.taskId", "user.id", "user.profile.email"]));
    expect(first).not.toContain("steps.request_1.status");
    expect(second).toEqual(expect.arrayContaining(["steps.request_1.status", "steps.request_1.body"]));
    // While the sample is not JSON yet, the trigger's roots are still listed.
    expect(editorStepVariables({ ...values, sampleTrigger: '{"body": ' }, context)[0]).toContain("trigger.body");
  });
});
