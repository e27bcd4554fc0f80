import type { StoredStep } from "@/db/workflow-definition";
import { canonicalJson, isPlainObject } from "@/lib/json";
import { isStepType, stepModule } from "./steps";

// A definition is a tree: the top-level steps, and the lists some steps hold (a Condition's When
// true and Otherwise, a Fan Out's steps for each item). A step's position is its index in the
// tree's pre-order walk — the top level's positions are what they were before steps held steps —
// and its key is unique across the tree. A run addresses a step by position (and, inside a Fan
// Out, by item); what comes after a step is read here.

/** One step of the tree, where it stands. */
export interface StepNode {
  step: StoredStep;
  /** Its index in the tree's pre-order walk. */
  position: number;
  /** Its path in the form and in save errors: "steps.1.whenTrue.0". */
  path: string;
  /** The step whose list holds it; none at the top level. */
  parent: StepNode | undefined;
  /** The field of the parent's list that holds it ("whenTrue"); "steps" at the top level. */
  list: string;
  /** Its index in that list. */
  index: number;
  /** The steps before it in the same list. */
  before: StepNode[];
  /** The position of the next step in the same list, if any. */
  next: number | undefined;
  /** The Fan Out whose steps for each item it is one of (nearest), if any. */
  fanOut: StepNode | undefined;
}

/** What a run does once a step has succeeded and gone on. */
export type Continuation =
  | { kind: "step"; position: number }
  /** The step was the last of a Fan Out item: the item is done. */
  | { kind: "item_end"; fanOut: number }
  | { kind: "run_end" };

export class StepTree {
  readonly nodes: StepNode[] = [];
  private readonly firstOfList = new Map<string, number | undefined>();

  constructor(steps: readonly StoredStep[]) {
    this.walk(steps, undefined, "steps", "steps", undefined);
  }

  private walk(steps: readonly StoredStep[], parent: StepNode | undefined, list: string, path: string, fanOut: StepNode | undefined): void {
    const siblings: StepNode[] = [];
    this.firstOfList.set(`${parent?.position ?? ""}:${list}`, steps.length ? this.nodes.length : undefined);
    steps.forEach((step, index) => {
      const node: StepNode = {
        step,
        position: this.nodes.length,
        path: `${path}.${index}`,
        parent,
        list,
        index,
        before: [...siblings],
        next: undefined,
        fanOut,
      };
      if (siblings.length) siblings.at(-1)!.next = node.position;
      siblings.push(node);
      this.nodes.push(node);
      for (const held of stepModule(step.type).lists ?? []) {
        const children = ((step as unknown as Record<string, unknown>)[held.field] ?? []) as StoredStep[];
        this.walk(children, node, held.field, `${node.path}.${held.field}`, held.perItem ? node : fanOut);
      }
    });
  }

  /** The step at a position, if the tree has one. */
  at(position: number): StepNode | undefined {
    return this.nodes[position];
  }

  /** The position of the first step of a step's list `field`, if the list has steps. */
  firstOf(position: number, field: string): number | undefined {
    return this.firstOfList.get(`${position}:${field}`);
  }

  /** What comes after the step at `position` has succeeded: the next step of its list, else what comes after the step holding the list. */
  after(position: number): Continuation {
    const node = this.nodes[position]!;
    if (node.next !== undefined) return { kind: "step", position: node.next };
    if (!node.parent) return { kind: "run_end" };
    if (node.fanOut === node.parent) return { kind: "item_end", fanOut: node.parent.position };
    return this.after(node.parent.position);
  }

  /** Every step, in pre-order. */
  steps(): StoredStep[] {
    return this.nodes.map((node) => node.step);
  }
}

const trees = new WeakMap<readonly StoredStep[], StepTree>();

/** The tree of a definition's steps (made once per definition object). */
export function stepTree(definition: { steps: readonly StoredStep[] }): StepTree {
  let tree = trees.get(definition.steps);
  if (!tree) {
    tree = new StepTree(definition.steps);
    trees.set(definition.steps, tree);
  }
  return tree;
}

/** Every step of a definition, the held ones too, in pre-order. */
export function allSteps(definition: { steps: readonly StoredStep[] }): StoredStep[] {
  return stepTree(definition).steps();
}

/**
 * Rewrites every step of a list of steps, and of the lists they hold, depth first: `rewrite` gets
 * each step (an object: the input may be unvalidated, as an imported document's) and its path
 * ("steps", 1, "whenTrue", 0). What is not a step object, or a list of a type this code does not
 * know, is kept as it is, for the schema to name.
 */
export function rewriteSteps(
  steps: unknown,
  rewrite: (step: Record<string, unknown>, path: PropertyKey[]) => Record<string, unknown>,
  path: PropertyKey[] = ["steps"],
): unknown {
  if (!Array.isArray(steps)) return steps;
  return steps.map((step: unknown, index) => {
    if (!isPlainObject(step)) return step;
    const stepPath = [...path, index];
    const rewritten = { ...rewrite(step, stepPath) };
    const type = step.type;
    for (const list of isStepType(type) ? (stepModule(type).lists ?? []) : []) {
      if (list.field in rewritten) rewritten[list.field] = rewriteSteps(rewritten[list.field], rewrite, [...stepPath, list.field]);
    }
    return rewritten;
  });
}

/** A step's own fields, without the steps it holds, as canonical JSON (jsonb hands keys back in its own order). */
function ownFields(node: StepNode): string {
  const lists = new Set((stepModule(node.step.type).lists ?? []).map((list) => list.field));
  const own = Object.entries(node.step as unknown as Record<string, unknown>)
    .filter(([field]) => !lists.has(field))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return canonicalJson(own);
}

/**
 * The steps a change of a definition's steps touched, by key, as the Audit Log names them:
 * "steps.get_task" for a step added, removed, changed or moved (to another list, or before
 * another of its list's steps that both versions have), at any depth of the tree.
 */
export function changedSteps(before: readonly StoredStep[], after: readonly StoredStep[]): string[] {
  const oldTree = new StepTree(before);
  const newTree = new StepTree(after);
  const inOld = new Set(oldTree.nodes.map((node) => node.step.key));
  const kept = new Set(newTree.nodes.map((node) => node.step.key).filter((key) => inOld.has(key)));
  const describe = (tree: StepTree) =>
    new Map(
      tree.nodes.map((node) => [
        node.step.key,
        JSON.stringify([
          node.parent?.step.key ?? null,
          node.list,
          node.before.map((earlier) => earlier.step.key).filter((key) => kept.has(key)),
        ]) + ownFields(node),
      ]),
    );
  const old = describe(oldTree);
  const now = describe(newTree);
  const keys = [...new Set([...old.keys(), ...now.keys()])];
  return keys.filter((key) => old.get(key) !== now.get(key)).map((key) => `steps.${key}`);
}
