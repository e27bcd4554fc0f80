import { describe, expect, it } from "vitest";
import { sampleConnection, schemaChecker } from "@/test/support/openapi";
import { connectApiDocument, type OperationObject } from "..";

const document = connectApiDocument({ serverUrl: "https://switchboard.example" });
const schemaErrors = schemaChecker(document);

describe("the workflow operations", () => {
  it("documents the workflow operations under a Workflows tag, with their schemas and every status they answer", () => {
    expect(document.tags.map((tag) => tag.name)).toContain("Workflows");
    const paths = document.paths;
    const events = paths["/projects/{projectId}/sdk/events"]?.post;
    const runs = paths["/projects/{projectId}/sdk/workflows/{workflowId}/runs"]?.post;
    const enable = paths["/projects/{projectId}/sdk/workflows/{workflowId}/enable"]?.post;
    const disable = paths["/projects/{projectId}/sdk/workflows/{workflowId}/disable"]?.post;
    for (const operation of [events, runs, enable, disable]) expect(operation?.tags).toEqual(["Workflows"]);
    const schemaOf = (operation: OperationObject | undefined, status: string) =>
      operation?.responses[status]?.content?.["application/json"]?.schema;
    const codes = (operation: OperationObject | undefined, status: string) =>
      Object.keys(operation?.responses[status]?.content?.["application/json"]?.examples ?? {}).sort();

    expect(events?.requestBody?.content["application/json"]).toMatchObject({
      schema: { $ref: "#/components/schemas/AppEvent" },
      example: { name: "task.created" },
    });
    expect(Object.keys(events?.responses ?? {}).sort()).toEqual(["202", "400", "401", "403", "404", "413", "415", "429", "500"]);
    expect(schemaOf(events, "202")).toEqual({ $ref: "#/components/schemas/AppEventAccepted" });
    expect(codes(events, "400")).toEqual(["invalid_body", "invalid_event", "invalid_json", "invalid_user", "missing_user"]);
    // The event body is strict: unknown fields are refused, and only name is required.
    expect(document.components.schemas.AppEvent).toMatchObject({ additionalProperties: false, required: ["name"] });

    expect(runs?.parameters.find((parameter) => parameter.name === "wait")).toMatchObject({
      in: "query",
      required: false,
      schema: { enum: ["true", "false"] },
    });
    expect(Object.keys(runs?.responses ?? {}).sort()).toEqual([
      "200",
      "202",
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
    expect(schemaOf(runs, "200")).toEqual({ $ref: "#/components/schemas/WorkflowRunResult" });
    expect(schemaOf(runs, "202")).toEqual({ $ref: "#/components/schemas/WorkflowRunStarted" });
    expect(codes(runs, "404")).toEqual(["project_not_found", "workflow_not_found"]);
    expect(codes(runs, "409")).toEqual(["workflow_disabled", "workflow_not_deployed", "wrong_trigger"]);
    expect(runs?.description).toContain("30 s");

    for (const operation of [enable, disable]) {
      expect(schemaOf(operation, "200")).toEqual({ $ref: "#/components/schemas/WorkflowEnablement" });
      expect(codes(operation, "400")).toEqual(["invalid_user", "missing_user"]);
      expect(codes(operation, "404")).toEqual(["project_not_found", "workflow_not_found"]);
    }
    expect(schemaErrors({ $ref: "#/components/schemas/WorkflowEnablement" }, { workflowId: sampleConnection.id, enabled: true })).toEqual(
      [],
    );
    expect(
      schemaErrors(
        { $ref: "#/components/schemas/WorkflowRunResult" },
        { runId: sampleConnection.id, status: "succeeded", output: { status: 201 } },
      ),
    ).toEqual([]);
    expect(
      schemaErrors({ $ref: "#/components/schemas/WorkflowRunResult" }, { runId: sampleConnection.id, status: "running", output: null }),
    ).not.toEqual([]);

    // GET /sdk/me lists the deployed workflows.
    const sdkUser = document.components.schemas.SdkUser!;
    expect(sdkUser.required).toContain("workflows");
    expect(
      schemaErrors(sdkUser, {
        authenticated: true,
        userId: "u",
        resources: [],
        workflows: [{ id: sampleConnection.id, name: "Sync", enabled: false }],
      }),
    ).toEqual([]);
    expect(schemaErrors(sdkUser, { authenticated: true, userId: "u", resources: [] })).toEqual(["$.workflows: required"]);
  });
});
