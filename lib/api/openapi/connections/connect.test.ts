import { describe, expect, it } from "vitest";
import { connectApiDocument } from "..";

const document = connectApiDocument({ serverUrl: "https://switchboard.example" });

describe("connectUser", () => {
  it("lists every status connect can answer, with the Error schema and Retry-After on 429", () => {
    const connect = document.paths["/projects/{projectId}/sdk/resources/{resourceId}/connect"]?.post;
    expect(Object.keys(connect?.responses ?? {}).sort()).toEqual([
      "200",
      "400",
      "401",
      "403",
      "404",
      "409",
      "413",
      "415",
      "422",
      "429",
      "500",
      "502",
    ]);
    for (const [status, response] of Object.entries(connect?.responses ?? {})) {
      if (status !== "200") expect(response.content?.["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/Error" });
    }
    expect(connect?.responses["429"]?.headers?.["Retry-After"]?.schema).toEqual({ type: "integer", minimum: 1 });
    expect(connect?.responses["400"]?.content?.["application/json"]?.examples?.invalid_credentials_payload?.value).toMatchObject({
      error: { fields: { access_token: "Required." } },
    });
    expect(connect?.responses["403"]?.content?.["application/json"]?.examples).toHaveProperty("origin_not_allowed");
  });
});
