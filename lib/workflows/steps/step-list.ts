import { z } from "zod";
import type { NestedStep } from "./module";
// A cycle by design: the registry lists the modules, and a module holding steps validates them
// with the registry's union. The union is read lazily, once every module has loaded.
import { editorStepSchema, stepSchema } from "./index";

// The schema of a list of steps a step holds (a Condition's branches, a Fan Out's body): any step
// type, as stored or as the editor holds it. Keys unique across the tree, the limit on steps and
// which steps may stand where are checked over the whole definition (lib/workflows/definition.ts).

/** A stored list of steps; absent in a document older than the field, it is empty. */
export function storedStepList(): z.ZodType<NestedStep[], NestedStep[] | undefined> {
  return z.array(z.lazy((): z.ZodType<NestedStep> => stepSchema as unknown as z.ZodType<NestedStep>)).default([]) as unknown as z.ZodType<
    NestedStep[],
    NestedStep[] | undefined
  >;
}

/** The list as the editor's form holds it: its output is the stored list. */
export function editorStepList(): z.ZodType<NestedStep[], NestedStep[] | undefined> {
  return z.array(z.lazy((): z.ZodType<NestedStep> => editorStepSchema as unknown as z.ZodType<NestedStep>)).default([]) as unknown as z.ZodType<
    NestedStep[],
    NestedStep[] | undefined
  >;
}
