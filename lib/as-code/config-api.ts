import { type SdkContext, withStatus } from "@/lib/api/sdk-route";
import { configNotAnObjectMessage, MAX_CONFIG_BODY_BYTES } from "./api-schema";
import type { ConfigKind } from "./document";
import { exportResource, importResource, replaceResourceConfig } from "./resource";
import { exportWorkflow, importWorkflow, replaceWorkflowConfig } from "./workflow";

// The configuration API's handlers, one per operation for both kinds (resources, workflows): a
// route file names its endpoint and path id (the observed route and what a bad id answers) and
// hands the rest to these.

type Change = { projectId: string; document: unknown; actor: SdkContext["actor"] };

/** A kind's three operations, its draft addressed by `id`. */
const OPERATIONS: Record<
  ConfigKind,
  {
    importDocument(change: Change): Promise<string>;
    exportDocument(draft: { projectId: string; id: string }): Promise<unknown>;
    replaceDocument(change: Change & { id: string }): Promise<unknown>;
  }
> = {
  resource: {
    importDocument: async (change) => (await importResource(change)).resourceId,
    exportDocument: ({ projectId, id }) => exportResource({ projectId, resourceId: id }),
    replaceDocument: ({ id, ...change }) => replaceResourceConfig({ ...change, resourceId: id }),
  },
  workflow: {
    importDocument: async (change) => (await importWorkflow(change)).workflowId,
    exportDocument: ({ projectId, id }) => exportWorkflow({ projectId, workflowId: id }),
    replaceDocument: ({ id, ...change }) => replaceWorkflowConfig({ ...change, workflowId: id }),
  },
};

/** The path id that names a draft of this kind (the route folder's `[resourceId]`, `[workflowId]`). */
const idOf = (kind: ConfigKind, ids: Readonly<Record<string, string>>): string => ids[`${kind}Id`]!;

/** What a POST or PUT reads: one document of the kind, at most MAX_CONFIG_BODY_BYTES. */
export function configDocumentBody(kind: ConfigKind) {
  return { notAnObject: configNotAnObjectMessage(kind), maxBytes: MAX_CONFIG_BODY_BYTES };
}

/** POST …/config: imports a document as a new draft, 201 with its ID. */
export function importConfigHandler(kind: ConfigKind) {
  return async ({ project, actor, body }: SdkContext & { body: Record<string, unknown> }) =>
    withStatus(201, { id: await OPERATIONS[kind].importDocument({ projectId: project.id, document: body, actor }) });
}

/** GET …/:id/config: the draft as a document. */
export function exportConfigHandler(kind: ConfigKind) {
  return ({ project, ids }: SdkContext & { ids: Readonly<Record<string, string>> }) =>
    OPERATIONS[kind].exportDocument({ projectId: project.id, id: idOf(kind, ids) });
}

/** PUT …/:id/config: replaces the draft with a document's, answering the draft as it now is. */
export function replaceConfigHandler(kind: ConfigKind) {
  return ({ project, actor, ids, body }: SdkContext & { ids: Readonly<Record<string, string>>; body: Record<string, unknown> }) =>
    OPERATIONS[kind].replaceDocument({ projectId: project.id, id: idOf(kind, ids), document: body, actor });
}
