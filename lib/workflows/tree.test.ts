import { describe, expect, it } from "vitest";
import type { StoredStep } from "@/db/workflow-definition";
import { changedSteps, rewriteSteps, StepTree } from "./tree";

const delay = (key: string, seconds = 1): StoredStep => ({ key, type: "delay", seconds });
const condition = (key: string, whenTrue: StoredStep[], otherwise: StoredStep[]): StoredStep => ({
  key,
  type: "condition",
  left: "a",
  operator: "equals",
  right: "a",
  whenTrue,
  otherwise,
});
const fanOut = (key: string, body: StoredStep[]): StoredStep => ({
  key,
  type: "fan_out",
  items: "{{trigger.payload.items}}",
  concurrency: 2,
  onItemFailure: "fail",
  body,
});

// [first, check { yes | no }, each { send, tidy }, last]
const steps = (): StoredStep[] => [
  delay("first"),
  condition("check", [delay("yes")], [delay("no")]),
  fanOut("each", [delay("send"), delay("tidy")]),
  delay("last"),
];

describe("a definition's step tree", () => {
  it("numbers steps in pre-order with their form paths", () => {
    const tree = new StepTree(steps());
    expect(tree.nodes.map((node) => [node.position, node.step.key, node.path])).toEqual([
      [0, "first", "steps.0"],
      [1, "check", "steps.1"],
      [2, "yes", "steps.1.whenTrue.0"],
      [3, "no", "steps.1.otherwise.0"],
      [4, "each", "steps.2"],
      [5, "send", "steps.2.body.0"],
      [6, "tidy", "steps.2.body.1"],
      [7, "last", "steps.3"],
    ]);
    expect(tree.nodes.map((node) => node.fanOut?.step.key ?? null)).toEqual([null, null, null, null, null, "each", "each", null]);
  });

  it("says what comes after a step: its list's next, after a branch the step after the Condition, a Fan Out item's end, the run's end", () => {
    const tree = new StepTree(steps());
    expect(tree.after(0)).toEqual({ kind: "step", position: 1 });
    expect(tree.firstOf(1, "whenTrue")).toBe(2);
    expect(tree.after(2)).toEqual({ kind: "step", position: 4 });
    expect(tree.after(3)).toEqual({ kind: "step", position: 4 });
    expect(tree.firstOf(4, "body")).toBe(5);
    expect(tree.after(5)).toEqual({ kind: "step", position: 6 });
    expect(tree.after(6)).toEqual({ kind: "item_end", fanOut: 4 });
    expect(tree.after(4)).toEqual({ kind: "step", position: 7 });
    expect(tree.after(7)).toEqual({ kind: "run_end" });
    expect(new StepTree([condition("check", [], [])]).firstOf(0, "whenTrue")).toBeUndefined();
  });

  it("names the changed steps by key, at any depth, not the steps holding them", () => {
    const after = steps();
    (after[2] as unknown as { body: StoredStep[] }).body[1] = delay("tidy", 5);
    (after[1] as unknown as { otherwise: StoredStep[] }).otherwise.push(delay("also"));
    after.splice(0, 1);
    expect(changedSteps(steps(), after).sort()).toEqual(["steps.also", "steps.first", "steps.tidy"]);
    expect(changedSteps(steps(), steps())).toEqual([]);
    const moved = steps();
    moved.reverse();
    expect(changedSteps(steps(), moved).sort()).toEqual(["steps.check", "steps.each", "steps.first", "steps.last"]);
  });

  it("rewrites every step of the tree with its path, keeping what is not a step", () => {
    const paths: string[] = [];
    const rewritten = rewriteSteps([...steps(), "not a step"], (step, path) => {
      paths.push(path.join("."));
      return { ...step, seen: true };
    }) as Record<string, unknown>[];
    expect(paths).toEqual([
      "steps.0",
      "steps.1",
      "steps.1.whenTrue.0",
      "steps.1.otherwise.0",
      "steps.2",
      "steps.2.body.0",
      "steps.2.body.1",
      "steps.3",
    ]);
    expect((rewritten[2]!.body as Record<string, unknown>[])[0]).toMatchObject({ key: "send", seen: true });
    expect(rewritten[4]).toBe("not a step");
  });
});
