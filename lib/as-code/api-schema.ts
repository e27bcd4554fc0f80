import { z } from "zod";
import { AUTH_TYPES, GRANT_TYPES, RESOURCE_LEVELS } from "@/lib/resources/schema";
import { STEP_TYPES, STEPS } from "@/lib/workflows/steps";
import { CONFIG_FORMAT_VERSION, type ConfigKind } from "./document";

// The configuration API's shapes for the OpenAPI document. What a document may hold in detail
// is the wizard's, the Webhook Setup page's and the workflow editor's own schemas (lib/as-code
// validates with them); these describe the envelope.

/** Largest configuration document a route reads. */
export const MAX_CONFIG_BODY_BYTES = 1024 * 1024;

/** What an export or replace of a resource the project does not have hears (404 resource_not_found): drafts count too. */
export const CONFIG_RESOURCE_NOT_FOUND_MESSAGE = "No resource with this ID in this project.";

/** What an import or replace naming a resource the project already has hears (409 name_taken). */
export const resourceNameTakenMessage = (name: string) =>
  `A resource named "${name}" already exists in this project: rename it in the document, or replace that resource's configuration.`;

/** What a workflow document naming resources the project does not have hears (400 invalid_input), and each one's field. */
export const missingResourcesMessage = (names: readonly string[]) =>
  `This project has no resource named ${names.map((name) => `"${name}"`).join(", ")}: import or create them first.`;
export const missingResourceField = (name: string) => `This project has no resource named "${name}".`;

/** What a configuration body that is not one JSON object hears (400 invalid_body). */
export const configNotAnObjectMessage = (kind: ConfigKind) => `The body must be a ${kind} document: a JSON object.`;

export const resourceConfigDocumentSchema = z
  .object({
    kind: z.literal("resource"),
    version: z.literal(CONFIG_FORMAT_VERSION),
    name: z.string().meta({ description: "The Resource name, unique in the project (case-insensitive)." }),
    level: z.enum(RESOURCE_LEVELS).nullable(),
    authType: z.enum(AUTH_TYPES).nullable(),
    grantType: z.enum(GRANT_TYPES).nullable(),
    config: z
      .object({
        oauth: z.record(z.string(), z.unknown()).optional().meta({
          description:
            'accessTokenUrl, clientId, includeClientCredentials, allowAnyHost?, requiredInputs (User-Level); authorization (Authorization Code only): { authorizationUrl, scopes, usePkce, parameters: [{ name, value }] }; clientSecret (and, App-Level Refresh Token, refreshToken) as a placeholder { "$secret": "client_secret" }: an import never sets a secret.',
        }),
        apiKeys: z.array(z.record(z.string(), z.unknown())).optional().meta({
          description: 'The API key names, { name, secret } each; App-Level values as value: { "$secret": "credential:<name>" }.',
        }),
        request: z.record(z.string(), z.unknown()).optional().meta({
          description:
            'The Request Details: baseUrl, allowAnyHost?, authentication, userProfile, validationRequest? ({ method: "GET" | "POST", path }: User-Level API Keys resources and resources with Required Inputs).',
        }),
      })
      .meta({ description: "The wizard's steps, as far as the draft has them." }),
    webhook: z.record(z.string(), z.unknown()).nullable().meta({
      description:
        'The Webhook Setup page\'s settings, the signing secret as signingSecret: { "$secret": "webhook_secret" }; null when none are saved.',
    }),
  })
  .meta({
    id: "ResourceConfig",
    description: "A resource's draft configuration with no secret value. Unknown fields are refused.",
    example: {
      kind: "resource",
      version: 1,
      name: "TaskLab",
      level: "user",
      authType: "oauth2",
      grantType: "refresh_token",
      config: {
        oauth: {
          accessTokenUrl: "https://tasklab.example/oauth/token",
          clientId: "tasklab-client",
          includeClientCredentials: true,
          requiredInputs: [],
          clientSecret: { $secret: "client_secret" },
        },
        request: {
          baseUrl: "https://tasklab.example/api",
          authentication: {
            preset: "bearer",
            token: "{{credentials.access_token}}",
            username: "",
            password: "",
            name: "",
            value: "",
            custom: [],
          },
          userProfile: { source: "none", method: "GET", path: "", fields: "", claimPath: "" },
        },
      },
      webhook: null,
    },
  });

export const workflowConfigDocumentSchema = z
  .object({
    kind: z.literal("workflow"),
    version: z.literal(CONFIG_FORMAT_VERSION),
    name: z.string(),
    endUsersMayStart: z.boolean().optional().meta({
      description: "End users may start this workflow: a User Token may start it although it uses an App-Level resource. Absent: false.",
    }),
    sampleTrigger: z
      .record(z.string(), z.unknown())
      .meta({ description: "The editor's Sample trigger input: the trigger's whole input (`trigger.*`), of its shape." }),
    trigger: z.record(z.string(), z.unknown()).nullable().meta({
      description:
        'The trigger; a Resource Trigger names its resource by name: { kind: "resource_event", resource, eventType }. A Request trigger exposed as a tool (Agents) holds it: { kind: "request", tool: { name, description, inputSchema } }, inputSchema a JSON Schema of an object.',
    }),
    steps: z.array(z.record(z.string(), z.unknown())).meta({
      description: [
        `The steps in order, each { key, type, … } with type one of ${STEP_TYPES.join(", ")}; keys are unique across the whole tree.`,
        "A Request step names its resource by name (resource), bound on import to the project's resource of that name.",
        ...STEP_TYPES.flatMap((type) =>
          (STEPS[type].lists ?? []).length
            ? [
                `A ${STEPS[type].label} step (${type}) holds steps of the same shape in ${(STEPS[type].lists ?? []).map((list) => `${list.field} (${list.label})`).join(" and ")}.`,
              ]
            : [],
        ),
        "A document exported before Conditions had branches imports with empty whenTrue and otherwise: its meaning is unchanged.",
      ].join(" "),
    }),
  })
  .meta({
    id: "WorkflowConfig",
    description: "A workflow's draft. Unknown fields are refused.",
    example: {
      kind: "workflow",
      version: 1,
      name: "Sync tasks",
      endUsersMayStart: false,
      sampleTrigger: {},
      trigger: { kind: "app_event", eventName: "task.sync" },
      steps: [
        {
          key: "list_tasks",
          type: "request",
          resource: "TaskLab",
          method: "GET",
          path: "/tasks",
          query: [],
          headers: [],
          body: "",
          retries: true,
        },
        {
          key: "each_task",
          type: "fan_out",
          items: "{{steps.list_tasks.body.tasks}}",
          concurrency: 10,
          onItemFailure: "fail",
          body: [
            {
              key: "get_task",
              type: "request",
              resource: "TaskLab",
              method: "GET",
              path: "/tasks/{{fanout.item.id}}",
              query: [],
              headers: [],
              body: "",
              retries: true,
            },
          ],
        },
      ],
    },
  });

export const configImportedSchema = z
  .object({ id: z.uuid().meta({ description: "The new draft resource or workflow." }) })
  .meta({ id: "ConfigImported" });
