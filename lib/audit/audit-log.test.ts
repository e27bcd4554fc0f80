import { describe, expect, it } from "vitest";
import { actorLabel, auditLogHref, auditLogSearchParamsSchema, changedFields } from "./audit-log";

describe("changedFields", () => {
  it("names the fields that differ, nested objects field by field, arrays as a whole", () => {
    const before = { name: "TaskLab", config: { oauth: { clientId: "a", scopes: ["x"] }, request: { baseUrl: "https://a" } } };
    const after = { name: "TaskLab", config: { oauth: { clientId: "b", scopes: ["x", "y"] }, request: { baseUrl: "https://a" } } };
    expect(changedFields(before, after, { depth: 3 })).toEqual(["config.oauth.clientId", "config.oauth.scopes"]);
    expect(changedFields(before, after, { depth: 1 })).toEqual(["config"]);
    expect(changedFields(before.config, after.config, { prefix: "config" })).toEqual(["config.oauth.clientId", "config.oauth.scopes"]);
  });

  it("ignores key order (jsonb's is its own), and counts added and removed fields", () => {
    expect(changedFields({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } }, { depth: 1 })).toEqual([]);
    expect(changedFields({ a: 1 }, { a: 1, b: 2 })).toEqual(["b"]);
    expect(changedFields({ a: 1, b: 2 }, { a: 1 })).toEqual(["b"]);
    expect(changedFields("same", "same")).toEqual([]);
  });

  it("gives names only, never the values compared", () => {
    const changes = changedFields({ clientSecret: "old-secret" }, { clientSecret: "new-secret" });
    expect(changes).toEqual(["clientSecret"]);
    expect(JSON.stringify(changes)).not.toMatch(/old-secret|new-secret/);
  });
});

describe("the Audit Log's filters", () => {
  it("reads the URL's filters, dropping blanks, and refuses a range that ends before it starts", () => {
    expect(
      auditLogSearchParamsSchema.parse({
        actor: " ada@example.test ",
        objectType: "workflow",
        from: "2026-11-01",
        to: "",
        before: undefined,
      }),
    ).toEqual({
      actor: "ada@example.test",
      objectType: "workflow",
      from: "2026-11-01",
    });
    expect(auditLogSearchParamsSchema.safeParse({ objectType: "planet" }).success).toBe(false);
    expect(auditLogSearchParamsSchema.safeParse({ from: "yesterday" }).success).toBe(false);
    expect(auditLogSearchParamsSchema.safeParse({ before: "not-a-cursor" }).success).toBe(false);
    const reversed = auditLogSearchParamsSchema.safeParse({ from: "2026-11-02", to: "2026-11-01" });
    expect(reversed.success ? [] : reversed.error.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [["to"], "To must not be before From."],
    ]);
  });

  it("builds page links with the filters in force", () => {
    expect(auditLogHref("/log", {})).toBe("/log");
    expect(auditLogHref("/log", { objectType: "resource", objectName: "Task Lab", before: "id" })).toBe(
      "/log?objectType=resource&objectName=Task+Lab&before=id",
    );
  });

  it("names each kind of actor", () => {
    expect(actorLabel({ actorKind: "user", actorName: "ada@example.test" })).toBe("ada@example.test");
    expect(actorLabel({ actorKind: "api", actorName: "Backend" })).toBe('API (Secret Key "Backend")');
    expect(actorLabel({ actorKind: "connected_user", actorName: "u-1" })).toBe("Connected User u-1 (User Token)");
    expect(actorLabel({ actorKind: "system", actorName: "System" })).toBe("System");
  });
});
