import type { StepType } from "@/lib/workflows/steps";
import { ConditionFields, ConditionResult } from "./condition";
import { DelayFields, DelayResult } from "./delay";
import { FanOutFields, FanOutResult } from "./fan-out";
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
  fan_out: { Fields: FanOutFields, Result: FanOutResult },
  response: { Fields: ResponseFields, Result: ResponseResult },
};

export { type ErrorAt, listControl, type ShownJson, type StepFieldProps, stepField, type StepResultProps, type StepView } from "./shared";
