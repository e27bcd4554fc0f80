import type { StepType } from "@/lib/workflows/steps";
import { ConditionFields, ConditionResult } from "./condition";
import { DelayFields, DelayResult } from "./delay";
import { FunctionFields, FunctionResult } from "./function";
import { RequestFields, RequestResult } from "./request";
import { ResponseFields, ResponseResult } from "./response";
import type { StepView } from "./shared";

// Each step type's UI (lib/workflows/steps/index.ts has the rest of it): its fields in the editor
// and its result view on the run page and under the step after a Test.

export const STEP_VIEWS: Record<StepType, StepView> = {
  request: { Fields: RequestFields, Result: RequestResult },
  condition: { Fields: ConditionFields, Result: ConditionResult },
  delay: { Fields: DelayFields, Result: DelayResult },
  function: { Fields: FunctionFields, Result: FunctionResult },
  response: { Fields: ResponseFields, Result: ResponseResult },
};

export type { ShownJson, StepFieldProps, StepResultProps, StepView } from "./shared";
