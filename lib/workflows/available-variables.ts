import type { StoredWorkflowDefinition } from "@/db/workflow-definition";
import { stepResourceIds, stepVariables } from "./steps";
import { type StepNode, stepTree } from "./tree";
import { type AvailableVariables, jsonPaths, type VariableContext } from "./variables";

// Which variables a step of a definition may use: the trigger's (from its sample), the user's
// (when a step uses a User-Level resource), `fanout.*` inside a Fan Out's steps for each item,
// and the outputs of the steps sure to have run before it. Save checks and the editor's variable
// menu both read it.

/** The roots of `trigger.*` each trigger kind gives, whatever the sample holds. */
const TRIGGER_ROOTS: Record<string, readonly string[]> = {
  app_event: ["trigger.name", "trigger.payload"],
  request: ["trigger.body"],
  scheduler: ["trigger.scheduledAt"],
  resource_event: ["trigger.type", "trigger.payload", "trigger.headers"],
};

/**
 * The steps sure to have run before a step: the earlier steps of its own list, and of every list
 * holding it, and the Conditions holding it (not a Fan Out holding it: its items are not done,
 * nor the steps inside an earlier Condition's branches or Fan Out).
 */
export function stepsSureToRunBefore(node: StepNode): StepNode[] {
  const sure: StepNode[] = [];
  for (let current: StepNode | undefined = node; current; current = current.parent) {
    sure.unshift(...current.before);
    if (current.parent && current.fanOut !== current.parent) sure.unshift(current.parent);
  }
  return sure;
}

/** The variables a template in the step at tree position `position` may use (lib/workflows/tree.ts). */
export function availableVariables(definition: StoredWorkflowDefinition, position: number, context: VariableContext): AvailableVariables {
  const names = new Set<string>();
  const openPrefixes: string[] = [];
  const roots = definition.trigger ? (TRIGGER_ROOTS[definition.trigger.kind] ?? []) : [];
  for (const root of roots) {
    const key = root.slice("trigger.".length);
    const sample = context.sampleTrigger[key];
    if (sample === undefined) {
      names.add(root);
      if (root !== "trigger.name" && root !== "trigger.scheduledAt" && root !== "trigger.type") openPrefixes.push(`${root}.`);
    } else for (const path of jsonPaths(root, sample)) names.add(path);
  }
  const tree = stepTree(definition);
  const usedResources = new Set(tree.steps().flatMap(stepResourceIds));
  const userLevel = context.resources.filter((resource) => usedResources.has(resource.id) && resource.level === "user");
  if (userLevel.length) {
    names.add("user.id");
    for (const resource of userLevel) for (const field of resource.profileFields) names.add(`user.profile.${field}`);
  }
  const node = tree.at(position);
  if (!node) return { names: [...names], openPrefixes };
  if (node.fanOut) {
    names.add("fanout.index");
    names.add("fanout.item");
    openPrefixes.push("fanout.item.");
  }
  for (const before of stepsSureToRunBefore(node)) {
    const given = stepVariables(before.step, context.lastTestOutputs[before.step.key]);
    for (const name of given.names) names.add(name);
    openPrefixes.push(...given.openPrefixes);
  }
  return { names: [...names], openPrefixes };
}
