import { describe, expect, it } from "vitest";
import { checkWorkflowDefinition, workflowDefinitionSchema } from "../definition";
import { addStepMenu, STEPS, stepModule, stepSchema, type StepRunContext, stepVariables } from ".";
import type { RunAnswer } from "./module";
import { ANSWERED_ALREADY, RESPONSE_NEEDS_REQUEST_TRIGGER } from "./response";

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
  it("makes the Add step menu: each resource's Request step, then Condition, Delay, Function, Fan Out and Response last", () => {
    const menu = addStepMenu([{ id: "r1", name: "TaskLab" }]);
    expect(menu.map((group) => group.map((entry) => entry.label))).toEqual([
      ["TaskLab Request"],
      ["Condition", "Delay", "Function", "Fan Out", "Response"],
    ]);
    expect(menu[0]![0]!.choice).toEqual({ type: "request", resourceId: "r1" });
  });

  it("parses each type's stored shape with one union and names each step as the run page does", () => {
    const steps = [
      {
        key: "get",
        type: "request",
        resourceId: "6f0c0b4e-4a7e-4a8e-9a51-3f5f0b8f6b11",
        method: "POST",
        path: "/tasks",
        query: [],
        headers: [],
        body: "",
        retries: true,
      },
      { key: "check", type: "condition", left: "{{trigger.payload.state}}", operator: "is_empty", right: "" },
      { key: "wait", type: "delay", seconds: 5 },
    ];
    const parsed = steps.map((step) => stepSchema.parse(step));
    // A Condition stored before it had branches reads with two empty ones: its meaning is unchanged.
    expect(parsed).toEqual(steps.map((step) => (step.type === "condition" ? { ...step, whenTrue: [], otherwise: [] } : step)));
    expect(parsed.map((step) => stepModule(step.type).summary(step))).toEqual([
      "POST /tasks",
      "{{trigger.payload.state}} is empty",
      "Wait 5 s",
    ]);
    expect(parsed.map((step) => STEPS[step.type].label)).toEqual(["Request", "Condition", "Delay"]);
  });

  it("runs a Condition to next or stop, and a Delay to next after its pause", async () => {
    const holds = {
      key: "check",
      type: "condition" as const,
      left: "{{trigger.payload.state}}",
      operator: "equals" as const,
      right: "done",
      whenTrue: [],
      otherwise: [],
    };
    expect(await STEPS.condition.run(holds, context())).toEqual({
      kind: "next",
      output: { result: true },
      into: "whenTrue",
      note: "The condition holds: When true runs.",
    });
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
    expect(
      STEPS.function.summary(
        step([
          { name: "a", value: "" },
          { name: "b", value: "" },
        ]),
      ),
    ).toBe("Function (2 parameters)");
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
    const outcome = await STEPS.function.run(
      fn,
      context({
        variables: { trigger: { payload: {} }, user: { id: null, profile: {} }, steps: { get: { body: { id: "t_1", count: 2 } } } },
      }),
    );
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
    const outcome = await STEPS.function.run(
      step([], 'function run() {\n  console.log("before");\n  throw new Error("boom");\n}'),
      context(),
    );
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
      steps: [
        step(
          [
            { name: "a", value: "" },
            { name: "a", value: "" },
            { name: "not-a-name", value: "" },
          ],
          "function main() {}",
        ),
      ],
    });
    expect(shape.success).toBe(false);
    const paths = shape.error!.issues.map((issue) => issue.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["steps.0.parameters.1.name", "steps.0.parameters.2.name", "steps.0.code"]));

    const definition = workflowDefinitionSchema.parse({
      trigger: { kind: "app_event", eventName: "task.sync" },
      steps: [step([{ name: "id", value: "{{trigger.payload.taskid}}" }])],
    });
    const errors = checkWorkflowDefinition(definition, {
      resources: [],
      sampleTrigger: { name: "task.sync", payload: { taskId: "t_1" } },
      lastTestOutputs: {},
      triggerResources: [],
    });
    expect(Object.keys(errors)).toEqual(["steps.0.parameters.0.value"]);
    expect(errors["steps.0.parameters.0.value"]).toContain("trigger.payload.taskid");
  });
});

describe("the Response step", () => {
  const step = (overrides: Partial<{ status: number; headers: { name: string; value: string }[]; body: string }> = {}) => ({
    key: "answer",
    type: "response" as const,
    status: 201,
    headers: [{ name: "X-Task", value: "task-{{trigger.body.id}}" }],
    body: '{"id": "{{trigger.body.id}}", "task": "{{trigger.body}}", "label": "n={{trigger.body.n}}"}',
    ...overrides,
  });
  const variables = { trigger: { body: { id: "t_1", n: 2 } }, user: { id: null, profile: {} }, steps: {} };
  const checkContext = { resources: [], sampleTrigger: { body: { id: "t_1", n: 2 } }, lastTestOutputs: {}, triggerResources: [] };

  it("starts answering 200 with no headers and no body, and sums itself up by its status", () => {
    expect(STEPS.response.create("answer", {})).toEqual({ key: "answer", type: "response", status: 200, headers: [], body: "" });
    expect(STEPS.response.summary(step())).toBe("Answer 201");
    expect(STEPS.response.label).toBe("Response");
    expect(stepVariables(step(), undefined)).toEqual({ names: [], openPrefixes: [] });
  });

  it("renders its headers and JSON body, answers the caller once, and its output is the answer", async () => {
    const answers: RunAnswer[] = [];
    const respond = async (answer: RunAnswer) => {
      answers.push(answer);
      return answers.length === 1;
    };
    const answer = { status: 201, headers: { "X-Task": "task-t_1" }, body: { id: "t_1", task: { id: "t_1", n: 2 }, label: "n=2" } };
    expect(await STEPS.response.run(step(), context({ variables, respond }))).toEqual({ kind: "next", output: answer });
    expect(answers).toEqual([answer]);
    expect(await STEPS.response.run(step(), context({ variables, respond }))).toEqual({
      kind: "fail",
      error: ANSWERED_ALREADY,
      output: answer,
    });
  });

  it("answers no body (null) for an empty Body, and fails on a header value that cannot be sent", async () => {
    expect(await STEPS.response.run(step({ status: 204, headers: [], body: "" }), context({ variables }))).toEqual({
      kind: "next",
      output: { status: 204, headers: {}, body: null },
    });
    const lineBreak = { trigger: { body: { id: "a\r\nSet-Cookie: x=1" } }, user: { id: null, profile: {} }, steps: {} };
    const outcome = await STEPS.response.run(
      step(),
      context({ variables: lineBreak, respond: async () => expect.fail("nothing is answered") }),
    );
    expect(outcome).toEqual({
      kind: "fail",
      error: "Header X-Task cannot be sent: its value holds a line break or a character beyond Latin-1.",
    });
  });

  it("is refused at save outside a Request workflow, inside a Fan Out, and with headers the server or CORS own", () => {
    const inRequest = workflowDefinitionSchema.parse({ trigger: { kind: "request" }, steps: [step()] });
    expect(checkWorkflowDefinition(inRequest, checkContext)).toEqual({});

    const onEvent = workflowDefinitionSchema.parse({
      trigger: { kind: "app_event", eventName: "task.sync" },
      steps: [step({ headers: [], body: "" })],
    });
    expect(checkWorkflowDefinition(onEvent, checkContext)).toEqual({ "steps.0.type": RESPONSE_NEEDS_REQUEST_TRIGGER });

    const inFanOut = workflowDefinitionSchema.safeParse({
      trigger: { kind: "request" },
      steps: [{ key: "each", type: "fan_out", items: "{{trigger.body.items}}", concurrency: 1, onItemFailure: "fail", body: [step()] }],
    });
    expect(inFanOut.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["steps.0.body.0.type", "A Response step cannot stand inside a Fan Out's steps for each item."],
    ]);

    const refused = [
      "Content-Length",
      "transfer-encoding",
      "Connection",
      "Set-Cookie",
      "Access-Control-Allow-Origin",
      "Content-Type",
      "X-Task",
      "x-task",
      "bad name",
    ];
    const shape = stepSchema.safeParse(step({ headers: refused.map((name) => ({ name, value: "v" })) }));
    expect(Object.fromEntries(shape.error!.issues.map((issue) => [issue.path.join("."), issue.message]))).toEqual({
      "headers.0.name": "Content-Length is set by the server for the connection.",
      "headers.1.name": "transfer-encoding is set by the server for the connection.",
      "headers.2.name": "Connection is set by the server for the connection.",
      "headers.3.name": "A Response cannot set cookies: they would be Switchboard's.",
      "headers.4.name": "Access-Control-Allow-Origin is set by Switchboard for the project's Allowed Origins.",
      "headers.5.name": "The body is always sent as JSON (Content-Type: application/json).",
      "headers.7.name": "Another header is named x-task.",
      "headers.8.name": "Use a header name: letters, digits and - (e.g. X-Task-Id).",
    });
  });

  it("is refused at save with a status outside 200–599, a body that is not JSON, or a body on a 204", () => {
    for (const status of [99, 100, 600, 200.5]) expect(stepSchema.safeParse(step({ status })).success).toBe(false);
    const definition = workflowDefinitionSchema.parse({
      trigger: { kind: "request" },
      steps: [step({ body: "{not json" }), { ...step({ status: 204 }), key: "empty" }],
    });
    expect(checkWorkflowDefinition(definition, checkContext)).toEqual({
      "steps.0.body": 'The body must be JSON; put variables inside strings, e.g. {"id": "{{trigger.body.id}}"}.',
      "steps.1.body": "A 204 answer has no body: leave Body empty.",
    });
  });
});
