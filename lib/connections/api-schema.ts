import { z } from "zod";

// The Connect API's shapes, one source for the route handlers, the OpenAPI document and the SDK's types.

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "invalid_credentials_payload" }),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional().meta({ description: "Per key of the body: what is wrong with it." }),
    }),
  })
  .meta({ id: "Error" });

export const connectBodySchema = z
  .record(z.string(), z.string())
  .meta({
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
  })
  .meta({ id: "SdkUser" });
export type SdkUser = z.infer<typeof sdkUserSchema>;
