import { z } from "zod";
import type { NestedStep } from "./module";

// The schema of a list of steps a step holds (a Condition's branches, a Fan Out's body): any step
// type, as stored or as the editor holds it. The registry (./index.ts) builds the unions of every
// type and hands them here once built; a module holding steps reads them lazily, when a step is
// parsed — never at load, so no module depends on the order the bundler loads them in. Keys
// unique across the tree, the limit on steps and which steps may stand where are checked over the
// whole definition (lib/workflows/definition.ts).

const unions: { stored?: z.ZodType; editor?: z.ZodType } = {};

/** Called once by the registry with its unions of every step type. */
export function setStepUnions(stored: z.ZodType, editor: z.ZodType): void {
  unions.stored = stored;
  unions.editor = editor;
}

function stepList(pick: () => z.ZodType | undefined): z.ZodType<NestedStep[], NestedStep[] | undefined> {
  const item = z.lazy((): z.ZodType<NestedStep> => {
    const union = pick();
    if (!union) throw new Error("The step registry (lib/workflows/steps/index.ts) was not loaded.");
    return union as z.ZodType<NestedStep>;
  });
  return z.array(item).default([]) as unknown as z.ZodType<NestedStep[], NestedStep[] | undefined>;
}

/** A stored list of steps; absent in a document older than the field, it is empty. */
export function storedStepList(): z.ZodType<NestedStep[], NestedStep[] | undefined> {
  return stepList(() => unions.stored);
}

/** The list as the editor's form holds it: its output is the stored list. */
export function editorStepList(): z.ZodType<NestedStep[], NestedStep[] | undefined> {
  return stepList(() => unions.editor);
}
