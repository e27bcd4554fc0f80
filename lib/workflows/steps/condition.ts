import { z } from "zod";
import { TemplateError } from "@/lib/resources/template";
import { renderWorkflowTemplate, type RunContext } from "../variables";
import { defineStep, NO_VARIABLES, stepKeySchema, templateText } from "./module";
import { editorStepList, storedStepList } from "./step-list";

// Condition: compares two templates and runs its When true steps or its Otherwise steps, then the
// steps after it. With no Otherwise steps, a Condition that does not hold ends the run Stopped
// (inside a Fan Out, the item): what a Condition did before it had branches.

export const CONDITION_OPERATORS = ["equals", "not_equals", "contains", "is_empty", "is_not_empty"] as const;
export const CONDITION_OPERATOR_LABELS: Record<(typeof CONDITION_OPERATORS)[number], string> = {
  equals: "equals",
  not_equals: "does not equal",
  contains: "contains",
  is_empty: "is empty",
  is_not_empty: "is not empty",
};

/** The operators that compare the left value with nothing. */
export function isUnaryOperator(operator: string | undefined): boolean {
  return operator === "is_empty" || operator === "is_not_empty";
}

const fields = {
  key: stepKeySchema,
  type: z.literal("condition"),
  left: templateText(4096),
  operator: z.enum(CONDITION_OPERATORS),
  right: templateText(4096),
};
const schema = z.object({ ...fields, whenTrue: storedStepList(), otherwise: storedStepList() });
const editorSchema = z.object({ ...fields, whenTrue: editorStepList(), otherwise: editorStepList() });
type ConditionStep = z.output<typeof schema>;

/** Whether a Condition step lets the run go on. */
export function conditionHolds(step: ConditionStep, context: RunContext): boolean {
  const left = renderWorkflowTemplate(step.left, context);
  const right = renderWorkflowTemplate(step.right, context);
  switch (step.operator) {
    case "equals":
      return left === right;
    case "not_equals":
      return left !== right;
    case "contains":
      return left.includes(right);
    case "is_empty":
      return left.trim() === "";
    case "is_not_empty":
      return left.trim() !== "";
  }
}

export const conditionStep = defineStep({
  type: "condition",
  label: "Condition",
  lists: [
    { field: "whenTrue", label: "When true" },
    { field: "otherwise", label: "Otherwise" },
  ],
  schema,
  editorSchema,
  title: () => "Condition",
  addStep: { group: "steps", choices: () => [{ label: "Condition", choice: {} }] },
  create: (key): ConditionStep => ({ key, type: "condition", left: "", operator: "equals", right: "", whenTrue: [], otherwise: [] }),
  templates: (step) => [
    ["left", step.left],
    ["right", step.right],
  ],
  variables: () => NO_VARIABLES,
  summary: (step) => `${step.left} ${CONDITION_OPERATOR_LABELS[step.operator]} ${isUnaryOperator(step.operator) ? "" : step.right}`.trim(),
  async run(step, context) {
    let holds: boolean;
    try {
      holds = conditionHolds(step, context.variables);
    } catch (error) {
      if (error instanceof TemplateError) return { kind: "fail", error: error.message };
      throw error;
    }
    const output = { result: holds };
    if (holds) return { kind: "next", output, into: "whenTrue", note: "The condition holds: When true runs." };
    if (!step.otherwise.length)
      return { kind: "stop", output, note: "The condition does not hold and Otherwise has no steps: a run stops here." };
    return { kind: "next", output, into: "otherwise", note: "The condition does not hold: Otherwise runs." };
  },
});
