import { z } from "zod";

// The connect-sessions operation's shapes: one source for its route handler and the OpenAPI document.

export const connectSessionBodySchema = z
  .strictObject({
    resourceId: z.uuid().meta({ description: "A published User-Level resource: OAuth 2.0 Authorization Code or API Keys." }),
    origin: z.string().max(2048).optional().meta({
      description:
        "Secret Key calls only: the Allowed Origin of the page that opens the portal, which alone hears the outcome. Without it the session is a link (no page hears the outcome).",
    }),
  })
  .meta({ id: "ConnectSessionBody", example: { resourceId: "0b5e1c1e-8f7a-4c3b-9d2e-1f0a6b7c8d9e" } });

export const connectSessionSchema = z
  .object({
    url: z.url().meta({ description: "The Connect Portal's address for this session: open it in a popup, or send it to the user." }),
    expiresAt: z.iso.datetime().meta({ description: "When the session stops working (10 minutes; a Reconnect link 24 hours)." }),
  })
  .meta({ id: "ConnectSession" });
