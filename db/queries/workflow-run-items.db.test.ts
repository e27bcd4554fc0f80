import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { workflowRunItems, workflowRunSteps } from "@/db/schema";
import type { StoredWorkflowDefinition } from "@/db/workflow-definition";
import { projectWithSigningKey } from "@/test/support/connect-fixtures";
import { deployedWorkflow } from "@/test/support/workflow-fixtures";
import { createRuns } from "./workflow-runs";
import { countRunItems, getRunDefinition, listItemSteps, listRunItems, listRunStepsOutsideItems } from "./workflow-run-items";

// What the run page reads of a run's tree: its version's definition, the steps outside items, and
// a Fan Out's items a page at a time with their steps, told apart from another Fan Out's items.

const definition: StoredWorkflowDefinition = {
  trigger: { kind: "app_event", eventName: "items" },
  steps: [
    { key: "first", type: "delay", seconds: 1 },
    {
      key: "each",
      type: "fan_out",
      items: "{{trigger.payload.list}}",
      concurrency: 5,
      onItemFailure: "continue",
      body: [{ key: "wait", type: "delay", seconds: 1 }],
    },
    {
      key: "again",
      type: "fan_out",
      items: "{{trigger.payload.list}}",
      concurrency: 5,
      onItemFailure: "fail",
      body: [{ key: "pause", type: "delay", seconds: 1 }],
    },
  ],
};
// Tree positions: first 0, each 1, wait 2, again 3, pause 4.

let workflowId: string;
let runId: string;

beforeAll(async () => {
  const { projectId } = await projectWithSigningKey();
  workflowId = await deployedWorkflow(projectId, definition);
  const [run] = await createRuns({
    runs: [{ projectId, workflowId, version: 1, userId: "user-1", trigger: { kind: "app_event", input: {} } }],
    enqueue: async () => {},
  });
  runId = run!.id;
  const db = await getDb();
  const statusOf = (item: number) => (item < 20 ? ("succeeded" as const) : item < 23 ? ("failed" as const) : ("queued" as const));
  await db
    .insert(workflowRunItems)
    .values([
      ...Array.from({ length: 25 }, (_, item) => ({ runId, position: 1, item, status: statusOf(item), value: { item } })),
      { runId, position: 3, item: 0, status: "waiting" as const, value: {} },
    ]);
  await db
    .insert(workflowRunSteps)
    .values([
      { runId, item: -1, position: 0, stepKey: "first", status: "succeeded" as const },
      { runId, item: -1, position: 1, stepKey: "each", status: "running" as const },
      { runId, item: -1, position: 3, stepKey: "again", status: "running" as const },
      ...Array.from({ length: 25 }, (_, item) => ({ runId, item, position: 2, stepKey: "wait", status: "succeeded" as const })),
      { runId, item: 0, position: 4, stepKey: "pause", status: "running" as const },
    ]);
});

describe("a run's tree, as the run page reads it", () => {
  it("reads the definition of the run's version, and nothing for a version never deployed", async () => {
    expect((await getRunDefinition({ workflowId, version: 1 }))?.steps.map((step) => step.key)).toEqual(["first", "each", "again"]);
    expect(await getRunDefinition({ workflowId, version: 2 })).toBeUndefined();
  });

  it("lists the steps outside items in tree order, without any item's", async () => {
    expect((await listRunStepsOutsideItems({ runId })).map((row) => [row.position, row.stepKey])).toEqual([
      [0, "first"],
      [1, "each"],
      [3, "again"],
    ]);
  });

  it("pages a Fan Out's items by index and counts them by status", async () => {
    const first = await listRunItems({ runId, position: 1, afterItem: -1, limit: 20 });
    expect(first.map((item) => item.item)).toEqual(Array.from({ length: 20 }, (_, item) => item));
    const next = await listRunItems({ runId, position: 1, afterItem: first.at(-1)!.item, limit: 20 });
    expect(next.map((item) => [item.item, item.status])).toEqual([
      [20, "failed"],
      [21, "failed"],
      [22, "failed"],
      [23, "queued"],
      [24, "queued"],
    ]);
    expect(await listRunItems({ runId, position: 1, afterItem: 24, limit: 20 })).toEqual([]);
    expect(await countRunItems({ runId, position: 1 })).toEqual({ waiting: 0, queued: 2, succeeded: 20, failed: 3, stopped: 0 });
    expect(await countRunItems({ runId, position: 3 })).toEqual({ waiting: 1, queued: 0, succeeded: 0, failed: 0, stopped: 0 });
  });

  it("lists the steps of a page's items of one Fan Out, not another Fan Out's items of the same index", async () => {
    const rows = await listItemSteps({ runId, items: [0, 1], positions: [2] });
    expect(rows.map((row) => [row.item, row.position, row.stepKey])).toEqual([
      [0, 2, "wait"],
      [1, 2, "wait"],
    ]);
    expect((await listItemSteps({ runId, items: [0, 1], positions: [4] })).map((row) => [row.item, row.stepKey])).toEqual([[0, "pause"]]);
    expect(await listItemSteps({ runId, items: [], positions: [2] })).toEqual([]);
  });
});
