import { describe, expect, it } from "vitest";
import { schemaChecker } from "@/test/support/openapi";
import { connectApiDocument, type OperationObject } from "..";

const document = connectApiDocument({ serverUrl: "https://switchboard.example" });
const schemaErrors = schemaChecker(document);

describe("the configuration operations", () => {
  it("documents the configuration operations under a Configuration tag, with their documents and every status they answer", () => {
    const paths = document.paths;
    const resource = paths["/projects/{projectId}/api/resources/{resourceId}/config"];
    const workflow = paths["/projects/{projectId}/api/workflows/{workflowId}/config"];
    const importResource = paths["/projects/{projectId}/api/resources/config"]?.post;
    const importWorkflow = paths["/projects/{projectId}/api/workflows/config"]?.post;
    for (const operation of [resource?.get, resource?.put, importResource, workflow?.get, workflow?.put, importWorkflow])
      expect(operation?.tags).toEqual(["Configuration"]);
    const schemaOf = (operation: OperationObject | undefined, status: string) =>
      operation?.responses[status]?.content?.["application/json"]?.schema;
    expect(schemaOf(resource?.get, "200")).toEqual({ $ref: "#/components/schemas/ResourceConfig" });
    expect(resource?.put?.requestBody?.content["application/json"]).toMatchObject({
      schema: { $ref: "#/components/schemas/ResourceConfig" },
      example: { kind: "resource", version: 1 },
    });
    expect(schemaOf(importResource, "201")).toEqual({ $ref: "#/components/schemas/ConfigImported" });
    expect(schemaOf(workflow?.get, "200")).toEqual({ $ref: "#/components/schemas/WorkflowConfig" });
    expect(Object.keys(resource?.put?.responses ?? {}).sort()).toEqual([
      "200",
      "400",
      "401",
      "403",
      "404",
      "409",
      "413",
      "415",
      "429",
      "500",
    ]);
    expect(Object.keys(importWorkflow?.responses ?? {}).sort()).toEqual(["201", "400", "401", "403", "404", "413", "415", "429", "500"]);
    // The example documents are what the routes answer: a resource's, and a workflow's naming its resource by name.
    expect(
      schemaErrors({ $ref: "#/components/schemas/ResourceConfig" }, resource?.put?.requestBody?.content["application/json"]?.example),
    ).toEqual([]);
    expect(
      schemaErrors({ $ref: "#/components/schemas/WorkflowConfig" }, importWorkflow?.requestBody?.content["application/json"]?.example),
    ).toEqual([]);
    expect(schemaErrors({ $ref: "#/components/schemas/ResourceConfig" }, { kind: "workflow", version: 1 })).not.toEqual([]);
  });
});
