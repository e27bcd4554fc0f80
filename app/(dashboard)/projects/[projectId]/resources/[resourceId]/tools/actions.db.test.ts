import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { importTools, offerTools, renameTool, switchTool } from "./actions";
import { listAuditEvents } from "@/db/queries/audit-events";
import { listResourceTools } from "@/db/queries/resource-tools";
import { addProjectMember, setAllowPrivateNetwork } from "@/db/queries/projects";
import { getResource } from "@/db/queries/resources";
import { createUserWithProject } from "@/db/queries/users";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { startTaskLab, taskLabOpenApi30Json, taskLabOpenApiYaml, type TaskLab } from "@/test/fixtures/tasklab";
import { publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { getSessionUser } from "@/server/session";

// The resource tab Tools' actions: an Owner or Admin imports a document, switches tools, renames
// them and offers an App-Level resource's tools; a Member changes nothing. Real actions on a real
// database; only the session is set.

vi.mock("@/server/session", () => ({ getSessionUser: vi.fn(async () => null) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

let tasklab: TaskLab;
let projectId: string;
let owner: { id: string; email: string };
let member: { id: string; email: string };
let resourceId: string;
let appResourceId: string;

async function account(name: string) {
  const email = `${name}-${randomUUID()}@example.test`;
  const created = (await createUserWithProject({ email, passwordHash: "x", projectName: name }))!;
  return { user: { id: created.user.id, email }, projectId: created.projectId };
}
const signedInAs = (user: { id: string; email: string }) => vi.mocked(getSessionUser).mockResolvedValue(user);

beforeAll(async () => {
  tasklab = await startTaskLab();
  const created = await account("owner");
  owner = created.user;
  projectId = created.projectId;
  member = (await account("member")).user;
  await addProjectMember({ projectId, email: member.email, actor: SYSTEM_ACTOR });
  await setAllowPrivateNetwork({ projectId, allow: true, actor: SYSTEM_ACTOR });
  resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
  appResourceId = await publishedTaskLabResource(projectId, tasklab, "app-api-keys");
}, 120_000);
afterAll(() => tasklab.close());

describe("the Tools tab's actions", () => {
  it("imports, switches and renames as an Owner, with Audit Log events", async () => {
    signedInAs(owner);
    expect(await importTools({ projectId, resourceId, document: taskLabOpenApiYaml(tasklab.url) })).toEqual({
      ok: true,
      data: { added: 7, kept: 0, removed: 0 },
    });
    const tools = await listResourceTools({ projectId, resourceId });
    const getTask = tools.find((tool) => tool.name === "get_task")!;
    expect(await switchTool({ projectId, resourceId, toolId: getTask.id, enabled: true })).toEqual({ ok: true, data: undefined });
    expect(await renameTool({ projectId, resourceId, toolId: getTask.id, name: "Read Task" })).toMatchObject({
      ok: false,
      fieldErrors: { name: [expect.stringMatching(/lowercase letters/)] },
    });
    expect(await renameTool({ projectId, resourceId, toolId: getTask.id, name: "read_task" })).toEqual({
      ok: true,
      data: { name: "read_task" },
    });
    // The 3.0 document on the same resource: get_task survives (same key), the rest is replaced.
    expect(await importTools({ projectId, resourceId, document: taskLabOpenApi30Json() })).toEqual({
      ok: true,
      data: { added: 0, kept: 3, removed: 4 },
    });
    expect((await listResourceTools({ projectId, resourceId })).map((tool) => [tool.name, tool.enabled])).toEqual([
      ["list_tasks", false],
      ["create_task", false],
      ["read_task", true],
    ]);
    const actions = (await listAuditEvents({ projectId, limit: 100 })).map((event) => `${event.action} ${event.objectName}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^resource\.tools_imported TaskLab/),
        expect.stringMatching(/^tool\.enabled TaskLab .*: get_task$/),
        expect.stringMatching(/^tool\.renamed TaskLab .*: read_task$/),
      ]),
    );
  });

  it("answers a refused document on the form, storing nothing", async () => {
    signedInAs(owner);
    const before = await listResourceTools({ projectId, resourceId });
    const result = await importTools({ projectId, resourceId, document: taskLabOpenApiYaml("https://elsewhere.test") });
    expect(result).toMatchObject({ ok: false, formError: expect.stringMatching(/not under the resource's API Base URL/) });
    expect(await importTools({ projectId, resourceId, document: "  " })).toMatchObject({
      ok: false,
      fieldErrors: { document: expect.any(Array) },
    });
    expect(await listResourceTools({ projectId, resourceId })).toEqual(before);
  });

  it("offers an App-Level resource's tools to every user, and refuses it for a User-Level one", async () => {
    signedInAs(owner);
    expect(await offerTools({ projectId, resourceId: appResourceId, offer: true })).toEqual({ ok: true, data: undefined });
    expect((await getResource({ projectId, resourceId: appResourceId }))!.offerToolsToEveryUser).toBe(true);
    expect(await offerTools({ projectId, resourceId, offer: true })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/App-Level/),
    });
    const actions = (await listAuditEvents({ projectId, limit: 100 })).map((event) => event.action);
    expect(actions).toContain("resource.tools_offered");
  });

  it("refuses a Member every change", async () => {
    signedInAs(member);
    const refused = { ok: false, formError: "Only an Owner or Admin can change resources." };
    const [tool] = await listResourceTools({ projectId, resourceId });
    expect(await importTools({ projectId, resourceId, document: taskLabOpenApi30Json() })).toEqual(refused);
    expect(await switchTool({ projectId, resourceId, toolId: tool!.id, enabled: true })).toEqual(refused);
    expect(await renameTool({ projectId, resourceId, toolId: tool!.id, name: "mine" })).toEqual(refused);
    expect(await offerTools({ projectId, resourceId: appResourceId, offer: false })).toEqual(refused);
  });
});
