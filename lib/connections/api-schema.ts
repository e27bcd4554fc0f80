import { z } from "zod";

// The Connect API's shapes, one source for the route handlers, the OpenAPI document and the SDK's types.

/** What a request id looks like when Switchboard makes one (the API documents' example). */
export const EXAMPLE_REQUEST_ID = "3f0c9a62-5d1e-4b7a-9c2f-8e6d4a1b0c37";

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "invalid_credentials_payload" }),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional().meta({ description: "Per key of the body: what is wrong with it." }),
      requestId: z.string().meta({
        description:
          "This request's id, also answered in the X-Request-Id header and written in Switchboard's log line of the request: quote it when you report a problem.",
        example: EXAMPLE_REQUEST_ID,
      }),
    }),
  })
  .meta({ id: "Error" });

export const connectBodySchema = z.record(z.string(), z.string()).meta({
  id: "ConnectBody",
  description: "The resource's required keys (the Test and Publish step lists them), each a string.",
  example: { access_token: "eyJ...", refresh_token: "ref_123..." },
});

export const connectionSchema = z
  .object({
    id: z.uuid(),
    projectId: z.uuid(),
    resourceId: z.uuid(),
    userId: z.string().meta({ description: "The User Token's sub." }),
    status: z.enum(["VALID", "INVALID"]),
    profile: z.record(z.string(), z.unknown()).nullable().meta({ description: "The User Profile fields kept at connect." }),
    dateCreated: z.iso.datetime(),
    dateUpdated: z.iso.datetime(),
    dateRefreshed: z.iso.datetime().nullable(),
  })
  .meta({ id: "Connection" });
export type ConnectionView = z.infer<typeof connectionSchema>;

export const disconnectedSchema = z.object({ deleted: z.literal(true) }).meta({ id: "Disconnected" });

export const sdkUserSchema = z
  .object({
    authenticated: z.literal(true),
    userId: z.string(),
    resources: z.array(
      z.object({
        id: z.uuid(),
        slug: z.string(),
        name: z.string(),
        level: z.enum(["user", "app"]),
        credentialId: z.uuid().optional(),
        credentialStatus: z.enum(["VALID", "INVALID"]).optional(),
      }),
    ),
    workflows: z
      .array(
        z.object({
          id: z.uuid(),
          name: z.string(),
          enabled: z
            .boolean()
            .meta({ description: "Whether it runs for this user: their own setting, else the workflow's Enabled for all users." }),
        }),
      )
      .meta({
        description:
          "The project's deployed workflows the user may start (one that uses an App-Level resource only with End users may start this workflow).",
      }),
  })
  .meta({ id: "SdkUser" });
export type SdkUser = z.infer<typeof sdkUserSchema>;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const apiRequestSchema = z
  .object({
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]),
    path: z.string().min(1).max(4096).meta({ description: "A path under the API Base URL, or a full URL on its origin." }),
    query: z.record(z.string(), z.string()).optional(),
    headers: z.record(z.string().regex(HEADER_NAME, { error: "Not a valid header name." }), z.string().max(8192)).optional(),
    body: z.unknown().optional().meta({ description: "A string is sent as it is; anything else as JSON." }),
  })
  .meta({ id: "ApiRequest", example: { method: "GET", path: "/tasks" } });

export const apiResponseSchema = z
  .object({
    status: z.number().int().meta({ description: "The status your API answered." }),
    headers: z.record(z.string(), z.string()),
    body: z.unknown().meta({ description: "Parsed JSON when your API answered JSON, else the text." }),
    truncated: z.boolean().meta({ description: "True when the body was cut off at 1 MB." }),
  })
  .meta({ id: "ApiResponse" });
