import { describe, expect, it } from "vitest";
import { addStepMenu, STEPS, stepModule, stepSchema, type StepRunContext } from ".";

const NOW = Date.parse("2026-12-07T12:00:00.000Z");

function context(overrides: Partial<StepRunContext> = {}): StepRunContext {
  return {
    variables: { trigger: { payload: { state: "done" } }, user: { id: "ada", profile: {} }, steps: {} },
    attempt: 1,
    now: () => NOW,
    idempotencyKey: "run:step",
    session: async () => ({ error: "No resource in this test." }),
    ...overrides,
  };
}

describe("the step registry", () => {
  it("makes the Add step menu: each resource's Request step, then Condition and Delay", () => {
    const menu = addStepMenu([{ id: "r1", name: "TaskLab" }]);
    expect(menu.map((group) => group.map((entry) => entry.label))).toEqual([["TaskLab Request"], ["Condition", "Delay"]]);
    expect(menu[0]![0]!.choice).toEqual({ type: "request", resourceId: "r1" });
  });

  it("parses each type's stored shape with one union and names each step as the run page does", () => {
    const steps = [
      { key: "get", type: "request", resourceId: "6f0c0b4e-4a7e-4a8e-9a51-3f5f0b8f6b11", method: "POST", path: "/tasks", query: [], headers: [], body: "", retries: true },
      { key: "check", type: "condition", left: "{{trigger.payload.state}}", operator: "is_empty", right: "" },
      { key: "wait", type: "delay", seconds: 5 },
    ];
    const parsed = steps.map((step) => stepSchema.parse(step));
    expect(parsed).toEqual(steps);
    expect(parsed.map((step) => stepModule(step.type).summary(step))).toEqual(["POST /tasks", "{{trigger.payload.state}} is empty", "Wait 5 s"]);
    expect(parsed.map((step) => STEPS[step.type].label)).toEqual(["Request", "Condition", "Delay"]);
  });

  it("runs a Condition to next or stop, and a Delay to next after its pause", async () => {
    const holds = { key: "check", type: "condition" as const, left: "{{trigger.payload.state}}", operator: "equals" as const, right: "done" };
    expect(await STEPS.condition.run(holds, context())).toEqual({ kind: "next", output: { result: true }, note: "The condition holds." });
    expect(await STEPS.condition.run({ ...holds, right: "open" }, context())).toMatchObject({ kind: "stop", output: { result: false } });
    expect(await STEPS.delay.run({ key: "wait", type: "delay", seconds: 60 }, context())).toMatchObject({
      kind: "next",
      output: { waitedSeconds: 60 },
      resumeAt: new Date(NOW + 60_000),
    });
  });

  it("fails a Request step whose resource is gone, before anything is sent", async () => {
    const step = STEPS.request.create("get", { resourceId: "6f0c0b4e-4a7e-4a8e-9a51-3f5f0b8f6b11" });
    expect(await STEPS.request.run(step, context())).toMatchObject({ kind: "fail", error: "No resource in this test." });
  });
});
