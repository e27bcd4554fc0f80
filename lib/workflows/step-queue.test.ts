import { describe, expect, it } from "vitest";
import { stepGroup } from "./step-queue";

describe("stepGroup", () => {
  it("gives every project's App-Level work and every (project, user) a group of its own, whatever the user ids hold", () => {
    const a = "0b5a1c9e-4f7e-4d8a-9a51-6a1f2f0c0001";
    const b = "0b5a1c9e-4f7e-4d8a-9a51-6a1f2f0c0002";
    const userIds = ["x", "app", "", ":", `${b}:x`, `x:${b}`, `"]`, `["${b}"]`, `${a}`, "user:x", "a\u0000b"];
    const groups = [
      stepGroup({ projectId: a, userId: null }),
      stepGroup({ projectId: b, userId: null }),
      ...userIds.flatMap((userId) => [stepGroup({ projectId: a, userId }), stepGroup({ projectId: b, userId })]),
    ];
    expect(new Set(groups.map((group) => group.id)).size).toBe(groups.length);
    // App-Level work has its own limit (SWITCHBOARD_APP_CONCURRENCY); users the default.
    expect(groups.map((group) => group.tier ?? "user")).toEqual(["app", "app", ...userIds.flatMap(() => ["user", "user"])]);
  });
});
