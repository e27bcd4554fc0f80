import { z } from "zod";
import type { StoredStep } from "@/db/workflow-definition";
import { conditionStep } from "./condition";
import { delayStep } from "./delay";
import { fanOutStep } from "./fan-out";
import { functionStep } from "./function";
import type { AvailableVariables } from "../variables";
import type { StepModule } from "./module";
import { requestStep } from "./request";
import { responseStep } from "./response";
import { setStepUnions } from "./step-list";

// The step types, one module each (./module.ts says what a module is). Everything that depends
// on a step's type reads it from here: the stored and editor schemas, save checks, variables,
// the runner and Test (lib/workflows/execute.ts), the run page's labels and summaries, the Add
// step menu; the UI's fields and result views are in components/workflows/steps/index.ts.

export const STEPS = {
  request: requestStep,
  condition: conditionStep,
  delay: delayStep,
  function: functionStep,
  fan_out: fanOutStep,
  // Last: the Add step menu lists it last.
  response: responseStep,
} as const;

export type StepType = keyof typeof STEPS;
type Modules = typeof STEPS;
type SchemaOf<Type extends StepType> = Modules[Type]["schema"];
type EditorSchemaOf<Type extends StepType> = Modules[Type]["editorSchema"];

/** A stored step of one type. */
export type StepOf<Type extends StepType> = z.output<SchemaOf<Type>>;
/** Each step type's stored step, by type. */
type StoredStepsByType = { [Type in StepType]: StepOf<Type> };

// db/ imports nothing of ours, so the step modules tell db/workflow-definition.ts their stored
// shapes: StoredStep there is the union of this interface's members, one per entry of STEPS.
declare module "@/db/workflow-definition" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- its members come from StoredStepsByType
  interface StoredStepTypes extends StoredStepsByType {}
}
/** What Add step takes to make a step of this type (a Request step's resource). */
export type StepChoice = {
  [Type in StepType]: { type: Type } & (Modules[Type] extends StepModule<Type, z.ZodObject, infer Choice> ? Choice : never);
}[StepType];

export const STEP_TYPES = Object.keys(STEPS) as StepType[];

/** Every step type's stored schema, one union by `type`. */
export const stepSchema = z.discriminatedUnion(
  "type",
  STEP_TYPES.map((type) => STEPS[type].schema) as unknown as [SchemaOf<StepType>, ...SchemaOf<StepType>[]],
);

/** Every step type's editor schema, one union by `type`: its output is the stored step. */
export const editorStepSchema = z.discriminatedUnion(
  "type",
  STEP_TYPES.map((type) => STEPS[type].editorSchema) as unknown as [EditorSchemaOf<StepType>, ...EditorSchemaOf<StepType>[]],
);

setStepUnions(stepSchema, editorStepSchema);

/** The module of a step type, typed for any step (the registry is keyed by the step's own type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function stepModule(type: StepType): StepModule<StepType, z.ZodObject, any> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return STEPS[type] as unknown as StepModule<StepType, z.ZodObject, any>;
}

/** Whether a value names a step type (a definition may be older or newer than this code). */
export function isStepType(type: unknown): type is StepType {
  return typeof type === "string" && Object.hasOwn(STEPS, type);
}

/** The resources a step sends through. */
export function stepResourceIds(step: StoredStep): string[] {
  return stepModule(step.type).resourceIds?.(step) ?? [];
}

/** The variables a step gives the steps after it. */
export function stepVariables(step: StoredStep, lastTestOutput: unknown): AvailableVariables {
  return stepModule(step.type).variables(step, lastTestOutput);
}

/** The Add step menu: its groups of entries (resources' Request steps first), each with the choice it makes. */
export function addStepMenu(resources: readonly { id: string; name: string }[]): { label: string; choice: StepChoice }[][] {
  const groups = (["resources", "steps"] as const).map((group) =>
    STEP_TYPES.filter((type) => STEPS[type].addStep.group === group).flatMap((type) =>
      stepModule(type)
        .addStep.choices(resources)
        .map((entry) => ({ label: entry.label, choice: { ...(entry.choice as object), type } as StepChoice })),
    ),
  );
  return groups;
}

export type { StepModule, StepOutcome, StepRunContext } from "./module";
