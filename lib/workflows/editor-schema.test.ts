import { describe, expect, it } from "vitest";
import type { StoredTrigger } from "@/db/workflow-definition";
import {
  editorStepVariables,
  newStep,
  parseSampleTriggerLeniently,
  prefilledSampleText,
  sampleTriggerShape,
  sampleTriggerText,
  workflowEditorSchema,
} from "./editor-schema";

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
    expect(
      workflowEditorSchema.safeParse({ ...values, sampleTrigger: '{"payload": {"title": "a\\u0000b"}}' }).error?.issues[0],
    ).toMatchObject({
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
    expect(
      workflowEditorSchema.safeParse({
        name: "W",
        trigger: null,
        sampleTrigger: "",
        steps: [first, newStep({ type: "condition" }, [first])],
      }).success,
    ).toBe(true);
  });

  it("lists each step's variables from the form as it stands: unsaved steps, trigger and sample included", () => {
    const values = {
      trigger: { kind: "request" as const },
      sampleTrigger: '{"body": {"taskId": "t_1"}}',
      steps: [newStep({ type: "request", resourceId }, []), newStep({ type: "delay" }, [])],
    };
    const { "steps.0": first, "steps.1": second } = editorStepVariables(values, context);
    expect(first).toEqual(expect.arrayContaining(["trigger.body", "trigger.body.taskId", "user.id", "user.profile.email"]));
    expect(first).not.toContain("steps.request_1.status");
    expect(second).toEqual(expect.arrayContaining(["steps.request_1.status", "steps.request_1.body"]));
    // While the sample is not JSON yet, the trigger's roots are still listed.
    expect(editorStepVariables({ ...values, sampleTrigger: '{"body": ' }, context)["steps.0"]).toContain("trigger.body");
  });

  const appEvent: StoredTrigger = { kind: "app_event", eventName: "task.sync" };
  const request: StoredTrigger = { kind: "request" };
  const scheduler: StoredTrigger = { kind: "scheduler", cron: "0 9 * * 1", timeZone: "UTC" };
  const resourceEvent: StoredTrigger = { kind: "resource_event", resourceId, eventType: "task.created" };
  const sampleError = (trigger: StoredTrigger, sample: unknown) =>
    workflowEditorSchema
      .safeParse({ name: "W", trigger, steps: [], sampleTrigger: typeof sample === "string" ? sample : JSON.stringify(sample) })
      .error?.issues.find((issue) => issue.path[0] === "sampleTrigger")?.message;

  it.each([
    [
      "App Event",
      appEvent,
      { name: "task.sync", payload: { taskId: "t_1" } },
      { taskId: "t_1" },
      /App Event's input is \{ "name": "<event>", "payload"/,
    ],
    [
      "App Event (payload not an object)",
      appEvent,
      { payload: {} },
      { name: "task.sync", payload: "t_1" },
      /put the event's payload under "payload"/,
    ],
    ["Request", request, { body: { taskId: "t_1" } }, { taskId: "t_1" }, /Request's input is \{ "body": … \}/],
    ["Request (a body and more)", request, { body: [1, 2] }, { body: {}, payload: {} }, /put the request body under "body"/],
    ["Scheduler", scheduler, { scheduledAt: "2026-01-05T09:00:00.000Z" }, { scheduledAt: 9 }, /Scheduler's input is \{ "scheduledAt"/],
    [
      "Resource Trigger",
      resourceEvent,
      { type: "task.created", payload: { id: "t_1" }, headers: { "webhook-id": "msg_1" } },
      { id: "t_1" },
      /Resource Trigger's input/,
    ],
  ])(
    "accepts a Sample trigger input of the %s trigger's shape and refuses another on the field, saying the shape",
    (_, trigger, good, bad, message) => {
      expect(sampleError(trigger, good)).toBeUndefined();
      expect(sampleError(trigger, bad)).toMatch(message);
    },
  );

  it("accepts an empty sample for every trigger, and any sample without a trigger", () => {
    for (const trigger of [appEvent, request, scheduler, resourceEvent]) {
      expect(sampleError(trigger, "")).toBeUndefined();
      expect(sampleError(trigger, {})).toBeUndefined();
    }
    expect(workflowEditorSchema.safeParse({ name: "W", trigger: null, steps: [], sampleTrigger: '{"taskId": "t_1"}' }).success).toBe(true);
  });

  it("pre-fills each trigger's shape, which the schema accepts", () => {
    const kept = {
      id: resourceId,
      name: "TaskLab",
      eventTypes: ["task.created"],
      sample: { type: "task.created", headers: { "webhook-id": "msg_9" }, payload: { id: "t_9" } },
    };
    expect(sampleTriggerShape(appEvent)).toEqual({ name: "task.sync", payload: {} });
    expect(sampleTriggerShape(request)).toEqual({ body: {} });
    expect(sampleTriggerShape(scheduler)).toEqual({ scheduledAt: "2026-01-05T09:00:00.000Z" });
    expect(sampleTriggerShape(resourceEvent)).toEqual({ type: "task.created", payload: {}, headers: {} });
    // The event kept with Use as sample.
    expect(sampleTriggerShape(resourceEvent, [kept])).toEqual({
      type: "task.created",
      payload: { id: "t_9" },
      headers: { "webhook-id": "msg_9" },
    });
    expect(sampleTriggerShape(null)).toEqual({});
    for (const trigger of [appEvent, request, scheduler, resourceEvent])
      expect(sampleError(trigger, sampleTriggerShape(trigger))).toBeUndefined();
  });

  it("re-fills the sample when the trigger changes while it is empty or still the previous trigger's shape, and keeps what the user typed", () => {
    const shaped = (value: unknown) => JSON.stringify(value, null, 2);
    expect(prefilledSampleText("", {}, appEvent)).toBe(shaped({ name: "task.sync", payload: {} }));
    expect(prefilledSampleText(shaped({ name: "task.sync", payload: {} }), sampleTriggerShape(appEvent), request)).toBe(
      shaped({ body: {} }),
    );
    // The same shape with its keys in another order (jsonb sorts them) still counts as untouched.
    expect(prefilledSampleText('{"payload": {}, "name": "task.sync"}', sampleTriggerShape(appEvent), request)).toBe(shaped({ body: {} }));
    // Typing the Event name follows along.
    const renamed: StoredTrigger = { kind: "app_event", eventName: "task.sync2" };
    expect(prefilledSampleText(shaped({ name: "task.sync", payload: {} }), sampleTriggerShape(appEvent), renamed)).toBe(
      shaped({ name: "task.sync2", payload: {} }),
    );
    const typed = shaped({ name: "task.sync", payload: { taskId: "t_1" } });
    expect(prefilledSampleText(typed, sampleTriggerShape(appEvent), request)).toBe(typed);
    expect(prefilledSampleText("{ not json", {}, request)).toBe("{ not json");
    // A Resource Trigger's kept event always replaces the text: it is what Test uses.
    const kept = {
      id: resourceId,
      name: "TaskLab",
      eventTypes: ["task.created"],
      sample: { type: "task.created", headers: {}, payload: { id: "t_9" } },
    };
    expect(prefilledSampleText(typed, sampleTriggerShape(appEvent), resourceEvent, [kept])).toBe(
      shaped({ type: "task.created", payload: { id: "t_9" }, headers: {} }),
    );
  });
});
