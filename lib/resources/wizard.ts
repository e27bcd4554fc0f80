import { RESOURCE_WIZARD_STEPS, type ResourceLevel, type ResourceWizardStep } from "./schema";

/** App-Level resources have no Authorization step: their credentials go under Request Details. */
export function isStepSkipped(step: ResourceWizardStep, level: ResourceLevel | null): boolean {
  return step === "authorization" && level === "app";
}

export function stepIndex(step: ResourceWizardStep): number {
  return RESOURCE_WIZARD_STEPS.indexOf(step);
}

export function isWizardStep(value: string): value is ResourceWizardStep {
  return (RESOURCE_WIZARD_STEPS as readonly string[]).includes(value);
}

export function nextStep(step: ResourceWizardStep, level: ResourceLevel | null): ResourceWizardStep | undefined {
  return RESOURCE_WIZARD_STEPS.slice(stepIndex(step) + 1).find((candidate) => !isStepSkipped(candidate, level));
}

export function previousStep(step: ResourceWizardStep, level: ResourceLevel | null): ResourceWizardStep | undefined {
  return RESOURCE_WIZARD_STEPS.slice(0, stepIndex(step))
    .reverse()
    .find((candidate) => !isStepSkipped(candidate, level));
}

export function furthestStep(a: ResourceWizardStep, b: ResourceWizardStep): ResourceWizardStep {
  return stepIndex(a) >= stepIndex(b) ? a : b;
}

/** Whether the user may open a step: it was reached, and it is not skipped. */
export function canOpenStep(step: ResourceWizardStep, reached: ResourceWizardStep, level: ResourceLevel | null): boolean {
  return !isStepSkipped(step, level) && stepIndex(step) <= stepIndex(reached);
}
