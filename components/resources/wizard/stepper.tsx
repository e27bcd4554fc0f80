import Link from "next/link";
import { RESOURCE_WIZARD_STEP_LABELS, RESOURCE_WIZARD_STEPS, type ResourceLevel, type ResourceWizardStep } from "@/lib/resources/schema";
import { canOpenStep, isStepSkipped, stepIndex } from "@/lib/resources/wizard";

/** The wizard's steps: reached ones are links, skipped ones say so. */
export function Stepper({
  baseHref,
  current,
  reached,
  level,
}: {
  /** `/projects/…/resources/<id>`, or undefined while the resource is not created yet. */
  baseHref?: string;
  current: ResourceWizardStep;
  reached: ResourceWizardStep;
  level: ResourceLevel | null;
}) {
  return (
    <nav aria-label="Resource setup steps">
      <ol className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
        {RESOURCE_WIZARD_STEPS.map((step, index) => {
          const label = RESOURCE_WIZARD_STEP_LABELS[step];
          const skipped = isStepSkipped(step, level);
          const isCurrent = step === current;
          const done = stepIndex(step) < stepIndex(reached) && !skipped;
          const number = (
            <span
              aria-hidden
              className={`inline-flex size-6 items-center justify-center rounded-full text-xs ${
                isCurrent ? "bg-indigo-600 text-white" : done ? "bg-indigo-100 text-indigo-700" : "bg-slate-100 text-slate-500"
              }`}
            >
              {index + 1}
            </span>
          );
          const content = (
            <>
              {number}
              <span className={skipped ? "text-slate-500 line-through" : ""}>{label}</span>
              {skipped && <span className="text-xs text-slate-500">(skipped)</span>}
            </>
          );
          return (
            <li key={step} className="flex items-center gap-2">
              {index > 0 && <span aria-hidden className="h-px w-4 bg-slate-300" />}
              {baseHref && !isCurrent && canOpenStep(step, reached, level) ? (
                <Link href={`${baseHref}/${step}`} className="flex items-center gap-2 rounded-md px-1 py-0.5 hover:bg-slate-100">
                  {content}
                </Link>
              ) : (
                <span
                  aria-current={isCurrent ? "step" : undefined}
                  className={`flex items-center gap-2 px-1 py-0.5 ${isCurrent ? "font-semibold" : ""}`}
                >
                  {content}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
