import { describe, expect, it } from "vitest";
import { checkWorkflowDefinition, workflowDefinitionSchema } from "../definition";
import { addStepMenu, STEPS, stepModule, stepSchema, type StepRunContext, stepVariables } from ".";

const NOW = Date.parse("2026-12-07T12:00:00.000Z");

function context(overrides: Partial<StepRunContext> = {}): StepRunContext {
  return {
    variables: { trigger: { payload: { state: "done" } }, user: { id: "ada", profile: {} }, steps: {} },
    attempt: 1,
    now: () => NOW,
    idempotencyKey: "run:step",
    session: async () => ({ error: "No resource in this test." }),
    respond: async () => true,
    ...overrides,
  };
}

describe("the step registry", () => {
  it("makes the Add step menu: each resource's Request step, then Condition, Delay, Function and Fan Out", () => {
    const menu = addStepMenu([{ id: "r1", name: "TaskLab" }]);
    expect(menu.map((group) => group.map((entry) => entry.label))).toEqual([["TaskLab Request"], ["Condition", "Delay", "Function", "Fan Out"]]);
    expect(menu[0]![0]!.choice).toEqual({ type: "request", resourceId: "r1" });
  });

  it("parses each type's stored shape with one union and names each step as the run page does", () => {
    const steps = [
      { key: "get", type: "request", resourceId: "6f0c0b4e-4a7e-4a8e-9a51-3f5f0b8f6b11", method: "POST", path: "/tasks", query: [], headers: [], body: "", retries: true },
      { key: "check", type: "condition", left: "{{trigger.payload.state}}", operator: "is_empty", right: "" },
      { key: "wait", type: "delay", seconds: 5 },
    ];
    const parsed = steps.map((step) => stepSchema.parse(step));
    // A Condition stored before it had branches reads with two empty ones: its meaning is unchanged.
    expect(parsed).toEqual(steps.map((step) => (step.type === "condition" ? { ...step, whenTrue: [], otherwise: [] } : step)));
    expect(parsed.map((step) => stepModule(step.type).summary(step))).toEqual(["POST /tasks", "{{trigger.payload.state}} is empty", "Wait 5 s"]);
    expect(parsed.map((step) => STEPS[step.type].label)).toEqual(["Request", "Condition", "Delay"]);
  });

  it("runs a Condition to next or stop, and a Delay to next after its pause", async () => {
    const holds = { key: "check", type: "condition" as const, left: "{{trigger.payload.state}}", operator: "equals" as const, right: "done", whenTrue: [], otherwise: [] };
    expect(await STEPS.condition.run(holds, context())).toEqual({ kind: "next", output: { result: true }, into: "whenTrue", note: "The condition holds: When true runs." });
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

describe("the Function step", () => {
  const step = (parameters: { name: string; value: string }[], code = "function run(parameters) {\n  return parameters;\n}") => ({
    key: "fn",
    type: "function" as const,
    parameters,
    code,
  });

  it("starts with run returning its parameters, and sums itself up by its parameter count", () => {
    const created = STEPS.function.create("fn", {});
    expect(created).toEqual(step([]));
    expect(STEPS.function.summary(step([{ name: "a", value: "" }, { name: "b", value: "" }]))).toBe("Function (2 parameters)");
    expect(STEPS.function.label).toBe("Function");
  });

  it("renders a parameter that is one variable alone as its JSON value and any other as text, and answers result and logs", async () => {
    const fn = step(
      [
        { name: "task", value: "{{ steps.get.body }}" },
        { name: "count", value: "{{steps.get.body.count}}" },
        { name: "label", value: "n={{steps.get.body.count}}" },
        { name: "missing", value: "{{trigger.payload.nope}}" },
      ],
      'function run(p) {\n  console.log("count", p.count);\n  return { id: p.task.id, next: p.count + 1, label: p.label, missing: p.missing };\n}',
    );
    const outcome = await STEPS.function.run(fn, context({ variables: { trigger: { payload: {} }, user: { id: null, profile: {} }, steps: { get: { body: { id: "t_1", count: 2 } } } } }));
    expect(outcome).toEqual({
      kind: "next",
      output: {
        parameters: { task: { id: "t_1", count: 2 }, count: 2, label: "n=2", missing: null },
        result: { id: "t_1", next: 3, label: "n=2", missing: null },
        logs: ["count 2"],
      },
    });
  });

  it("fails with the sandbox's code, message and line, keeping the console lines", async () => {
    const outcome = await STEPS.function.run(step([], 'function run() {\n  console.log("before");\n  throw new Error("boom");\n}'), context());
    expect(outcome).toMatchObject({ kind: "fail", output: { logs: ["before"] } });
    expect(outcome.kind === "fail" && outcome.error).toMatch(/^function_threw: .*boom.* \(line 3\)$/);
  });

  it("keeps a result PostgreSQL cannot store with U+FFFD in place of a NUL", async () => {
    const outcome = await STEPS.function.run(step([], 'function run() {\n  return { text: "a\\u0000b" };\n}'), context());
    expect(outcome).toMatchObject({ kind: "next", output: { result: { text: "a\uFFFDb" } } });
  });

  it("lists steps.<key>.result, with its paths once a Test has given one", () => {
    const fn = step([]);
    expect(stepVariables(fn, undefined)).toEqual({ names: ["steps.fn.result"], openPrefixes: ["steps.fn.result."] });
    expect(stepVariables(fn, { result: { x: 1 }, logs: [] }).names).toEqual(["steps.fn.result", "steps.fn.result.x"]);
  });

  it("refuses at save a duplicate parameter name, a name that is not a JavaScript identifier, code without run, and an unknown variable", () => {
    const shape = workflowDefinitionSchema.safeParse({
      trigger: null,
      steps: [step([{ name: "a", value: "" }, { name: "a", value: "" }, { name: "not-a-name", value: "" }], "function main() {}")],
    });
    expect(shape.success).toBe(false);
    const paths = shape.error!.issues.map((issue) => issue.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["steps.0.parameters.1.name", "steps.0.parameters.2.name", "steps.0.code"]));

    const definition = workflowDefinitionSchema.parse({
      trigger: { kind: "app_event", eventName: "task.sync" },
      steps: [step([{ name: "id", value: "{{trigger.payload.taskid}}" }])],
    });
    const errors = checkWorkflowDefinition(definition, { resources: [], sampleTrigger: { name: "task.sync", payload: { taskId: "t_1" } }, lastTestOutputs: {}, triggerResources: [] });
    expect(Object.keys(errors)).toEqual(["steps.0.parameters.0.value"]);
    expect(errors["steps.0.parameters.0.value"]).toContain("trigger.payload.taskid");
  });
});
