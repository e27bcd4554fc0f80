import { inArray, like, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { createRuns } from "@/db/queries/workflow-runs";
import {
  auditEvents,
  connectSessions,
  notificationEvents,
  rateLimitWindows,
  signInThrottles,
  webhookEvents,
  workflowRuns,
} from "@/db/schema";
import { captureLogs } from "@/test/support/logs";
import { createUserWithProject } from "@/db/queries/users";
import { deployedWorkflow } from "@/test/support/workflow-fixtures";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { createResourceDraft } from "@/lib/resources/save-step";
import { runRetention, runRetentionTasks } from "./retention";

// The retention job (workflow-retention, every 10 minutes) on a real database — PGlite, and
// PostgreSQL when DATABASE_URL is set, whose driver refuses what PGlite lets through (a Date
// bound into a raw `sql` template): every table it keeps short loses its old rows and keeps the
// new ones, and a task that fails is logged with its error without stopping the others.

const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  await getDb(); // opened (on PGlite, migrated) here, not in the first test's time
});

describe("the retention job", () => {
  it("deletes the old rows of every table it keeps short, and keeps the new ones", async () => {
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const db = await getDb();
    const { projectId } = (await createUserWithProject({ email: `r-${randomUUID()}@example.test`, passwordHash: "x", projectName: "P" }))!;
    const { resourceId } = await createResourceDraft({
      projectId,
      values: { name: `Kept ${randomUUID().slice(0, 8)}` },
      actor: SYSTEM_ACTOR,
    });
    const workflowId = await deployedWorkflow(projectId, {
      trigger: { kind: "app_event", eventName: "kept" },
      steps: [{ key: "wait", type: "delay", seconds: 1 }],
    });

    // Workflow runs: 30 days.
    const run = { projectId, workflowId, version: 1, userId: "kept", trigger: { kind: "app_event" as const, input: {} } };
    const [oldRun, newRun] = await createRuns({ runs: [run, run], enqueue: async () => {} });
    await db
      .update(workflowRuns)
      .set({ createdAt: ago(31) })
      .where(inArray(workflowRuns.id, [oldRun!.id]));
    await db
      .update(workflowRuns)
      .set({ createdAt: ago(29) })
      .where(inArray(workflowRuns.id, [newRun!.id]));
    // Webhook events (accepted ones): 30 days.
    const webhook = (receivedAt: Date) => ({
      projectId,
      resourceId,
      receivedAt,
      eventId: randomUUID(),
      matched: true,
      signatureOk: true,
      payload: {},
    });
    const [oldWebhook, newWebhook] = await db
      .insert(webhookEvents)
      .values([webhook(ago(31)), webhook(ago(1))])
      .returning({ id: webhookEvents.id });
    // Notification events: as long as runs.
    const [oldNotification, newNotification] = await db
      .insert(notificationEvents)
      .values([
        { id: randomUUID(), projectId, type: "workflow.run.failed", payload: {}, createdAt: ago(31) },
        { id: randomUUID(), projectId, type: "workflow.run.failed", payload: {}, createdAt: ago(29) },
      ])
      .returning({ id: notificationEvents.id });
    // Audit events: 90 days.
    const [oldAudit, newAudit] = await db
      .insert(auditEvents)
      .values(
        [ago(91), ago(89)].map((createdAt) => ({
          projectId,
          actorKind: "system" as const,
          actorName: "System",
          action: "project.renamed",
          objectType: "project",
          objectId: projectId,
          objectName: "P",
          changes: [],
          createdAt,
        })),
      )
      .returning({ id: auditEvents.id });
    // Rate-limit windows: once the longest window (an hour) has ended.
    const tag = randomUUID();
    await db.insert(rateLimitWindows).values([
      { key: `retention-old-${tag}`, windowStartedAt: sql`now() - interval '2 hours'`, count: 3 },
      { key: `retention-new-${tag}`, windowStartedAt: sql`now() - interval '30 seconds'`, count: 3 },
    ]);
    // Sign-in throttles: once their window has ended and no lock holds.
    const email = (what: string) => `${what}-${tag}@retention.test`;
    await db.insert(signInThrottles).values([
      { email: email("ended"), failures: 2, windowStartedAt: sql`now() - interval '1 hour'` },
      {
        email: email("lock-ended"),
        failures: 5,
        windowStartedAt: sql`now() - interval '1 hour'`,
        lockedUntil: sql`now() - interval '10 minutes'`,
      },
      { email: email("counting"), failures: 2, windowStartedAt: sql`now() - interval '1 minute'` },
      {
        email: email("locked"),
        failures: 5,
        windowStartedAt: sql`now() - interval '1 hour'`,
        lockedUntil: sql`now() + interval '5 minutes'`,
      },
    ]);

    // Connect sessions: a day past their expiry.
    const session = (expiresAt: Date) => ({
      id: randomUUID(),
      projectId,
      resourceId,
      target: "user" as const,
      userId: "kept",
      tokenHash: randomUUID(),
      expiresAt,
    });
    const [oldSession, newSession] = await db
      .insert(connectSessions)
      .values([session(new Date(now.getTime() - 25 * 60 * 60 * 1000)), session(new Date(now.getTime() - 23 * 60 * 60 * 1000))])
      .returning({ id: connectSessions.id });

    await runRetention(now);

    const ids = async (
      table: typeof workflowRuns | typeof webhookEvents | typeof notificationEvents | typeof auditEvents | typeof connectSessions,
      wanted: string[],
    ) => (await db.select({ id: table.id }).from(table).where(inArray(table.id, wanted))).map((row) => row.id);
    expect(await ids(workflowRuns, [oldRun!.id, newRun!.id])).toEqual([newRun!.id]);
    expect(await ids(webhookEvents, [oldWebhook!.id, newWebhook!.id])).toEqual([newWebhook!.id]);
    expect(await ids(notificationEvents, [oldNotification!.id, newNotification!.id])).toEqual([newNotification!.id]);
    expect(await ids(auditEvents, [oldAudit!.id, newAudit!.id])).toEqual([newAudit!.id]);
    expect(await ids(connectSessions, [oldSession!.id, newSession!.id])).toEqual([newSession!.id]);
    const windows = await db
      .select({ key: rateLimitWindows.key })
      .from(rateLimitWindows)
      .where(like(rateLimitWindows.key, `retention-%-${tag}`));
    expect(windows.map((row) => row.key)).toEqual([`retention-new-${tag}`]);
    const throttles = await db
      .select({ email: signInThrottles.email })
      .from(signInThrottles)
      .where(like(signInThrottles.email, `%-${tag}@retention.test`));
    expect(throttles.map((row) => row.email).sort()).toEqual([email("counting"), email("locked")].sort());
  });

  it("logs a task that fails with its error, runs the others, and fails the job naming it", async () => {
    const ran: string[] = [];
    const logs = captureLogs();
    let failure: unknown;
    try {
      await runRetentionTasks(
        [
          {
            name: "webhook events",
            run: async () => {
              throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
            },
          },
          { name: "audit events", run: async () => void ran.push("audit events") },
        ],
        new Date(),
      );
    } catch (error) {
      failure = error;
    } finally {
      logs.restore();
    }
    expect(ran).toEqual(["audit events"]);
    expect(String(failure)).toContain("webhook events");
    const [line] = logs.entries().filter((entry) => entry.msg === "A retention task failed");
    expect(line).toMatchObject({
      level: 50,
      task: "webhook events",
      error: { code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:5432" },
    });
  });
});
