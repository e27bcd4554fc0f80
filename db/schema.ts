import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { PublishedResource, ResourceConfig } from "./resource-config";
import type { StoredWebhookSettings } from "./webhook-settings";
import type { StoredRunAnswer, StoredRunTrigger, StoredStepAttempt, StoredWorkflowDefinition } from "./workflow-definition";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Stored lower-cased and trimmed; the unique index below makes sign-up races safe.
    email: text("email").notNull(),
    name: text("name"),
    passwordHash: text("password_hash").notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex("users_email_key").on(table.email)],
);

/** Connect API calls a minute a project's Secret Keys may make together, until the team changes it (Settings → Rate Limits). */
export const DEFAULT_SECRET_KEY_RATE_LIMIT = 6000;

export const projects = pgTable("projects", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  // Lets this project's resources reach loopback and private addresses (an API beside a self-hosted Switchboard).
  allowPrivateNetwork: boolean("allow_private_network").notNull().default(false),
  // Origins (scheme://host[:port]) whose pages may call the Connect API from a browser.
  allowedOrigins: jsonb("allowed_origins").$type<string[]>().notNull().default([]),
  // Connect API calls a minute with the project's Secret Keys (its own backend), all users together.
  secretKeyRateLimit: integer("secret_key_rate_limit").notNull().default(DEFAULT_SECRET_KEY_RATE_LIMIT),
  // Bumped by database triggers on every change to what requests cache per process (this row, its
  // signing keys, Secret Keys, resources and their secrets): a request that reads it in its one hot
  // statement knows at once whether its process's cache is current (see lib/api/project-state.ts).
  configRevision: bigint("config_revision", { mode: "number" }).notNull().default(0),
  createdAt: createdAt(),
});

/** Public keys that verify a project's User Tokens (RS256). The private key is never stored. */
export const signingKeys = pgTable(
  "signing_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    kid: text("kid").notNull(),
    publicKeyJwk: jsonb("public_key_jwk").$type<Record<string, unknown>>().notNull(),
    source: text("source").$type<"generated" | "pasted">().notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [uniqueIndex("signing_keys_project_kid_key").on(table.projectId, table.kid)],
);

/** Server-to-server API keys of a project, stored as SHA-256 hashes (they are long random secrets). */
export const projectSecretKeys = pgTable(
  "project_secret_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [uniqueIndex("project_secret_keys_hash_key").on(table.hash)],
);

/** Fixed-window request counters for rate limits, shared by every server process. */
export const rateLimitWindows = pgTable("rate_limit_windows", {
  key: text("key").primaryKey(),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull(),
  count: integer("count").notNull(),
});

export const projectRole = pgEnum("project_role", ["owner", "admin", "member"]);

export const projectMembers = pgTable(
  "project_members",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: projectRole("role").notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.projectId, table.userId] }), index("project_members_user_id_idx").on(table.userId)],
);

// Failed sign-ins per email (whether or not an account exists, so throttling reveals nothing).
export const signInThrottles = pgTable("sign_in_throttles", {
  email: text("email").primaryKey(),
  failures: integer("failures").notNull().default(0),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true })
    .notNull()
    .default(sql`now()`),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
});

export const resourceLevel = pgEnum("resource_level", ["user", "app"]);
export const resourceAuthType = pgEnum("resource_auth_type", ["oauth2", "api_keys"]);
export const resourceGrantType = pgEnum("resource_grant_type", ["refresh_token", "client_credentials", "authorization_code"]);
export const resourceStatus = pgEnum("resource_status", ["draft", "published"]);

export const resources = pgTable(
  "resources",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    // Null until the API Info step is saved.
    level: resourceLevel("level"),
    authType: resourceAuthType("auth_type"),
    grantType: resourceGrantType("grant_type"),
    status: resourceStatus("status").notNull().default("draft"),
    // The furthest wizard step the user may open; opening the resource resumes there.
    stepReached: text("step_reached").notNull(),
    // The draft's non-secret configuration (lib/resources/config.ts); secrets live in resource_secrets.
    config: jsonb("config").$type<ResourceConfig>().notNull().default({}),
    // When the draft's configuration last changed: a test older than this does not vouch for it.
    configChangedAt: timestamp("config_changed_at", { withTimezone: true }).notNull().defaultNow(),
    // The Webhook Setup page's settings (db/webhook-settings.ts), in force as saved; the signing
    // secret lives in resource_secrets.
    webhook: jsonb("webhook").$type<StoredWebhookSettings>(),
    // The event kept by "Use as sample": the workflow editor lists its payload and headers.
    webhookSample: jsonb("webhook_sample").$type<{ type: string | null; headers: Record<string, string>; payload: unknown }>(),
    // The configuration in force for connections and requests, copied from the draft by Finish.
    published: jsonb("published").$type<PublishedResource>(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    // Offer to every user (App-Level resources only, resource tab Tools): its enabled tools are
    // listed for every Connected User and called with the app's credentials.
    offerToolsToEveryUser: boolean("offer_tools_to_every_user").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("resources_project_name_key").on(table.projectId, sql`lower(${table.name})`),
    uniqueIndex("resources_project_slug_key").on(table.projectId, table.slug),
  ],
);

/** Write-only secrets of a resource, encrypted by lib/vault with `resource:<id>:<name>` as associated data. */
export const resourceSecrets = pgTable(
  "resource_secrets",
  {
    resourceId: uuid("resource_id")
      .notNull()
      .references(() => resources.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    ciphertext: text("ciphertext").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.resourceId, table.name] })],
);

export const connectionStatus = pgEnum("connection_status", ["VALID", "INVALID"]);
// user: a Connected User's; test: the resource's test connection (Test and Publish); app: an
// App-Level resource's own, which holds the app's OAuth tokens for every process.
export const connectionKind = pgEnum("connection_kind", ["user", "test", "app"]);

/** The one row that holds a set of credentials for a resource: a Connected User's, the test connection, or the app's. */
export const connections = pgTable(
  "connections",
  {
    id: uuid("id").primaryKey(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    resourceId: uuid("resource_id")
      .notNull()
      .references(() => resources.id, { onDelete: "cascade" }),
    kind: connectionKind("kind").notNull(),
    // The Connected User's id (a User Token's sub); null for the test and app connections.
    userId: text("user_id"),
    status: connectionStatus("status").notNull().default("VALID"),
    // Every credential value as encrypted JSON, with `connection:<id>:credentials` as associated data.
    credentials: text("credentials").notNull(),
    accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true }),
    profile: jsonb("profile").$type<Record<string, unknown>>(),
    invalidReason: text("invalid_reason"),
    failureCount: integer("failure_count").notNull().default(0),
    // The API's answers of 401 in a row to requests with these credentials (after the one refresh
    // an OAuth connection tries): at UNAUTHORIZED_ANSWERS_TO_INVALID the connection turns INVALID.
    unauthorizedCount: integer("unauthorized_count").notNull().default(0),
    // The resource's webhook Subscription for this user: subscribed, pending (queued or being
    // retried) or failed (retries used up), with the last error; null when it has none.
    subscriptionStatus: text("subscription_status").$type<"pending" | "subscribed" | "failed">(),
    subscriptionError: text("subscription_error"),
    // Bumped whenever the credentials are replaced from outside a refresh (a reconnect, new
    // test credentials, a new App-Level grant): a refresh stores its tokens only if the
    // version it started from is still current, so the newer credentials win.
    credentialsVersion: integer("credentials_version").notNull().default(0),
    // Test and app rows: a keyed hash of the grant their tokens come from (Access Token URL,
    // client, secret, seed refresh token), so a replaced grant is noticed and a kept one shared.
    grantFingerprint: text("grant_fingerprint"),
    // A refresh in progress somewhere: the process that set this lease until a time calls the
    // token endpoint; others wait for it. An expired lease (its holder died) can be taken over.
    refreshLeaseId: uuid("refresh_lease_id"),
    refreshLeaseUntil: timestamp("refresh_lease_until", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    refreshedAt: timestamp("refreshed_at", { withTimezone: true }),
  },
  (table) => [
    uniqueIndex("connections_resource_user_key")
      .on(table.resourceId, table.userId)
      .where(sql`${table.kind} = 'user'`),
    uniqueIndex("connections_resource_test_key")
      .on(table.resourceId)
      .where(sql`${table.kind} = 'test'`),
    uniqueIndex("connections_resource_app_key")
      .on(table.resourceId)
      .where(sql`${table.kind} = 'app'`),
    check("connections_user_id_check", sql`(${table.kind} = 'user') = (${table.userId} is not null)`),
  ],
);

/** Test requests sent from the Test and Publish step. */
export const resourceTestRuns = pgTable(
  "resource_test_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    resourceId: uuid("resource_id")
      .notNull()
      .references(() => resources.id, { onDelete: "cascade" }),
    method: text("method").notNull(),
    path: text("path").notNull(),
    status: integer("status"),
    durationMs: integer("duration_ms").notNull(),
    succeeded: boolean("succeeded").notNull(),
    error: text("error"),
    createdAt: createdAt(),
  },
  (table) => [index("resource_test_runs_resource_created_idx").on(table.resourceId, table.createdAt)],
);

/** A fingerprint of each encryption key version, so a server started with another key refuses to run. */
export const vaultKeys = pgTable("vault_keys", {
  version: integer("version").primaryKey(),
  fingerprint: text("fingerprint").notNull(),
  createdAt: createdAt(),
});

export type User = typeof users.$inferSelect;
export type Project = typeof projects.$inferSelect;
export type ProjectMember = typeof projectMembers.$inferSelect;
export type ProjectRole = (typeof projectRole.enumValues)[number];
export type SignInThrottle = typeof signInThrottles.$inferSelect;
export type Resource = typeof resources.$inferSelect;
export type Connection = typeof connections.$inferSelect;
export type ConnectionKind = (typeof connectionKind.enumValues)[number];
export type SigningKey = typeof signingKeys.$inferSelect;
export type ProjectSecretKey = typeof projectSecretKeys.$inferSelect;
export type ResourceTestRun = typeof resourceTestRuns.$inferSelect;

// ---------------------------------------------------------------- Workflows

export const workflowRunStatus = pgEnum("workflow_run_status", ["queued", "running", "succeeded", "failed", "stopped", "cancelled"]);
export const workflowStepStatus = pgEnum("workflow_step_status", ["pending", "running", "succeeded", "failed", "stopped", "skipped"]);

/** A workflow: its draft definition (lib/workflows/definition.ts), and the version in force once deployed. */
export const workflows = pgTable(
  "workflows",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    draft: jsonb("draft").$type<StoredWorkflowDefinition>().notNull(),
    // The sample trigger input the editor's variable menu and Test use.
    sampleTrigger: jsonb("sample_trigger").$type<Record<string, unknown>>().notNull().default({}),
    // Every step's outputs from the last Test, by step key: the variable menu lists their fields.
    lastTestOutputs: jsonb("last_test_outputs").$type<Record<string, unknown>>().notNull().default({}),
    // Enabled for all users unless a user's own setting says otherwise.
    enabledForAll: boolean("enabled_for_all").notNull().default(true),
    // End users may start this workflow: lets a User Token start it although it uses an App-Level resource (lib/workflows/starters.ts).
    endUsersMayStart: boolean("end_users_may_start").notNull().default(false),
    deployedVersion: integer("deployed_version"),
    draftChangedAt: timestamp("draft_changed_at", { withTimezone: true }).notNull().defaultNow(),
    deployedAt: timestamp("deployed_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("workflows_project_idx").on(table.projectId)],
);

/** Deployed versions, frozen: runs use one and record which. */
export const workflowVersions = pgTable(
  "workflow_versions",
  {
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    definition: jsonb("definition").$type<StoredWorkflowDefinition>().notNull(),
    // Denormalised from the definition so triggers find their workflows with an index.
    triggerKind: text("trigger_kind").notNull(),
    eventName: text("event_name"),
    // Resource Triggers: the resource whose webhook events start it (eventName holds the event type).
    triggerResourceId: uuid("trigger_resource_id"),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.workflowId, table.version] }),
    index("workflow_versions_trigger_resource_idx").on(table.triggerResourceId, table.eventName),
  ],
);

/** A Connected User's own setting for a workflow, overriding "Enabled for all users". */
export const workflowUserSettings = pgTable(
  "workflow_user_settings",
  {
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    enabled: boolean("enabled").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.workflowId, table.userId] })],
);

/** One run of a deployed workflow, for one Connected User or for the app. */
export const workflowRuns = pgTable(
  "workflow_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    status: workflowRunStatus("status").notNull().default("queued"),
    trigger: jsonb("trigger").$type<StoredRunTrigger>().notNull(),
    // The Connected User it runs for; null for an App-Level run.
    userId: text("user_id"),
    // A replay or retry: the run it repeats.
    sourceRunId: uuid("source_run_id"),
    error: text("error"),
    // What a Response step answered the Request trigger's caller (status, headers, body): at most one per run.
    answer: jsonb("answer").$type<StoredRunAnswer>(),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (table) => [
    // The Runs tab: newest first per workflow, by status and by user (keyset on created_at, id).
    index("workflow_runs_workflow_created_idx").on(table.workflowId, table.createdAt, table.id),
    index("workflow_runs_workflow_status_created_idx").on(table.workflowId, table.status, table.createdAt, table.id),
    index("workflow_runs_workflow_user_created_idx").on(table.workflowId, table.userId, table.createdAt, table.id),
    index("workflow_runs_created_idx").on(table.createdAt),
  ],
);

/** What one step of a run did: its output and every attempt. */
export const workflowRunSteps = pgTable(
  "workflow_run_steps",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => workflowRuns.id, { onDelete: "cascade" }),
    // The Fan Out item it ran for; -1 outside a Fan Out's steps for each item.
    item: integer("item").notNull().default(-1),
    // Its index in the definition tree's pre-order walk (lib/workflows/tree.ts).
    position: integer("position").notNull(),
    stepKey: text("step_key").notNull(),
    status: workflowStepStatus("status").notNull().default("pending"),
    // For a request step: status, headers and body (capped); for a condition: its result.
    output: jsonb("output").$type<Record<string, unknown>>(),
    attempts: jsonb("attempts").$type<StoredStepAttempt[]>().notNull().default([]),
    error: text("error"),
    // A running Fan Out's items not ended yet: the item whose end counts it down to 0 ends the Fan Out (lib/workflows/advance.ts).
    openItems: integer("open_items"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.runId, table.item, table.position] })],
);

export const workflowItemStatus = pgEnum("workflow_item_status", ["waiting", "queued", "succeeded", "failed", "stopped"]);

/**
 * One item of a Fan Out in a run: waiting for its turn (Concurrency), queued (its steps run), or
 * ended. The Fan Out's join counts these rows, so it survives a worker's crash and an item that
 * ends twice counts once (lib/workflows/fan-out.ts).
 */
export const workflowRunItems = pgTable(
  "workflow_run_items",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => workflowRuns.id, { onDelete: "cascade" }),
    // The Fan Out step's position in the tree.
    position: integer("position").notNull(),
    item: integer("item").notNull(),
    status: workflowItemStatus("status").notNull().default("waiting"),
    // `fanout.item` of its steps.
    value: jsonb("value").$type<unknown>(),
    // Its last step's output.
    output: jsonb("output").$type<Record<string, unknown>>(),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.runId, table.position, table.item] })],
);

export type Workflow = typeof workflows.$inferSelect;
export type WorkflowVersion = typeof workflowVersions.$inferSelect;
export type WorkflowRun = typeof workflowRuns.$inferSelect;
export type WorkflowRunStep = typeof workflowRunSteps.$inferSelect;
export type WorkflowRunStatus = (typeof workflowRunStatus.enumValues)[number];
export type WorkflowRunItem = typeof workflowRunItems.$inferSelect;

// ---------------------------------------------------------------- Resource Triggers (webhooks)

/** Events received on a resource's webhook URL: accepted ones with their payload, rejected ones without. */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    resourceId: uuid("resource_id")
      .notNull()
      .references(() => resources.id, { onDelete: "cascade" }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    // The Event ID template's value: a second event with the same one starts nothing.
    eventId: text("event_id"),
    eventType: text("event_type"),
    // The Connected User the User matching template found; null when none matched (or App-Level).
    userId: text("user_id"),
    matched: boolean("matched").notNull(),
    signatureOk: boolean("signature_ok").notNull(),
    // Why it was refused (a bad signature, a body the templates cannot read); null when accepted.
    rejectedReason: text("rejected_reason"),
    // Why an accepted event that named a user matched none: several VALID connections hold its
    // User Profile value (ambiguous, so nothing ran); null otherwise.
    unmatchedReason: text("unmatched_reason"),
    // Headers (secrets removed) and payload; null for rejected events: their content is not kept.
    headers: jsonb("headers").$type<Record<string, string>>(),
    payload: jsonb("payload").$type<unknown>(),
    runIds: jsonb("run_ids").$type<string[]>().notNull().default([]),
  },
  (table) => [
    uniqueIndex("webhook_events_resource_event_id_key").on(table.resourceId, table.eventId),
    index("webhook_events_resource_received_idx").on(table.resourceId, table.receivedAt),
  ],
);

export type WebhookEvent = typeof webhookEvents.$inferSelect;

// ---------------------------------------------------------------- Audit log

/** Who made a change: a team member in the dashboard, the team's backend with a Secret Key, a Connected User with a User Token, or Switchboard itself. */
export const auditActorKind = pgEnum("audit_actor_kind", ["user", "api", "connected_user", "system"]);

/** One field an audited change touched: its name only — never a value (secrets included) — or a published resource's host before and after. */
export type AuditChanges = string[];

/**
 * Every configuration change of a project (Settings → Audit Log), written in the transaction
 * of the change itself. Actor and object names are copied as they were at the time.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    // The statement's own time, not the transaction's: one transaction's events keep their order.
    createdAt: timestamp("created_at", { withTimezone: true })
      .notNull()
      .default(sql`clock_timestamp()`),
    actorKind: auditActorKind("actor_kind").notNull(),
    // The user's id, the Secret Key's id or the Connected User's id; null for the system.
    actorId: text("actor_id"),
    // The user's email, the Secret Key's name, the Connected User's id, "System".
    actorName: text("actor_name").notNull(),
    action: text("action").notNull(),
    objectType: text("object_type").notNull(),
    objectId: text("object_id").notNull(),
    objectName: text("object_name").notNull(),
    changes: jsonb("changes").$type<AuditChanges>().notNull().default([]),
  },
  (table) => [
    index("audit_events_project_created_idx").on(table.projectId, table.createdAt.desc(), table.id.desc()),
    check("audit_events_action_format", sql`${table.action} ~ '^[a-z_]+\\.[a-z_]+$'`),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;

// ---------------------------------------------------------------- Notifications (Settings → Notifications)

export const notificationEndpointStatus = pgEnum("notification_endpoint_status", ["enabled", "disabled"]);
export const notificationDeliveryStatus = pgEnum("notification_delivery_status", ["pending", "retrying", "delivered", "failed"]);

/** The team's HTTPS endpoints that Switchboard sends signed event notifications to (Standard Webhooks). */
export const notificationEndpoints = pgTable(
  "notification_endpoints",
  {
    id: uuid("id").primaryKey(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    // The event types it subscribed to (lib/notifications/schema.ts NOTIFICATION_EVENT_TYPES).
    events: jsonb("events").$type<string[]>().notNull(),
    // The whsec_ signing secret, encrypted with `notification-endpoint:<id>:secret` as associated data.
    secret: text("secret").notNull(),
    status: notificationEndpointStatus("status").notNull().default("enabled"),
    // Why it was disabled (an answer 410 Gone); null while enabled.
    disabledReason: text("disabled_reason"),
    createdAt: createdAt(),
  },
  (table) => [index("notification_endpoints_project_idx").on(table.projectId)],
);

/** One event that happened in a project; its payload holds ids and reasons, never a secret. */
export const notificationEvents = pgTable(
  "notification_events",
  {
    id: uuid("id").primaryKey(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    // The JSON body every delivery of this event sends, exactly.
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  // Retention deletes by age.
  (table) => [index("notification_events_created_idx").on(table.createdAt)],
);

/** One delivery of an event to one endpoint, retried with backoff (a Resend is a new one). */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => notificationEndpoints.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => notificationEvents.id, { onDelete: "cascade" }),
    status: notificationDeliveryStatus("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    responseStatus: integer("response_status"),
    // What went wrong with the last attempt (a status, a network error); never a response body.
    lastError: text("last_error"),
    createdAt: createdAt(),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
  },
  (table) => [
    index("notification_deliveries_endpoint_idx").on(table.endpointId, table.createdAt),
    // Deleting an event (retention) deletes its deliveries.
    index("notification_deliveries_event_idx").on(table.eventId),
  ],
);

/** Keep-warm of a resource: its connections whose token was not refreshed for `days` days are refreshed. */
export const resourceKeepWarm = pgTable("resource_keep_warm", {
  resourceId: uuid("resource_id")
    .primaryKey()
    .references(() => resources.id, { onDelete: "cascade" }),
  days: integer("days").notNull(),
});

export type NotificationEndpoint = typeof notificationEndpoints.$inferSelect;
export type NotificationEvent = typeof notificationEvents.$inferSelect;
export type NotificationDelivery = typeof notificationDeliveries.$inferSelect;
export type NotificationDeliveryStatus = (typeof notificationDeliveryStatus.enumValues)[number];

// ---------------------------------------------------------------- Agents (resource tab Tools)

/** Where a tool call's arguments go: each argument's parameter (path, query or header) and whether a JSON body is sent. */
export interface StoredToolParameters {
  params: Array<{ arg: string; name: string; in: "path" | "query" | "header" }>;
  /** The `body` argument is sent as the JSON request body. */
  body: boolean;
}

/**
 * The operations of the OpenAPI document last imported on a resource's Tools tab, each a tool
 * once the team turns it on. An import replaces them; an operation whose key (method and path)
 * survives keeps its row, its name and whether it is on.
 */
export const resourceTools = pgTable(
  "resource_tools",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    resourceId: uuid("resource_id")
      .notNull()
      .references(() => resources.id, { onDelete: "cascade" }),
    // `GET /tasks/{id}`: the method and the path under the API Base URL.
    operationKey: text("operation_key").notNull(),
    method: text("method").notNull(),
    // The path template under the API Base URL, e.g. /tasks/{id}.
    path: text("path").notNull(),
    // The tool's name (^[a-z][a-z0-9_]{0,63}$): from the operationId, editable.
    name: text("name").notNull(),
    summary: text("summary").notNull().default(""),
    description: text("description").notNull().default(""),
    // A JSON Schema of an object: the operation's parameters by argument name, and `body`.
    inputSchema: jsonb("input_schema").$type<Record<string, unknown>>().notNull(),
    // The JSON Schema of its 2xx JSON answer, when the document gives one.
    outputSchema: jsonb("output_schema").$type<Record<string, unknown>>(),
    parameters: jsonb("parameters").$type<StoredToolParameters>().notNull(),
    enabled: boolean("enabled").notNull().default(false),
    // Its place in the document, for the Tools tab's list.
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("resource_tools_resource_operation_key").on(table.resourceId, table.operationKey),
    // An agent calls a tool by name: one enabled tool per name in a project.
    uniqueIndex("resource_tools_project_enabled_name_key")
      .on(table.projectId, table.name)
      .where(sql`${table.enabled}`),
    index("resource_tools_project_idx").on(table.projectId),
    check("resource_tools_name_format", sql`${table.name} ~ '^[a-z][a-z0-9_]{0,63}$'`),
  ],
);

export type ResourceTool = typeof resourceTools.$inferSelect;

// ---------------------------------------------------------------- Connect Portal

// user: a Connected User connects (the SDK's connect(), a Reconnect link); test: the resource's
// test connection (Test and Publish's Connect test account, later).
export const connectSessionTarget = pgEnum("connect_session_target", ["user", "test"]);

/**
 * A connect session: one end user's single-use pass to the Connect Portal (`/connect/{token}`)
 * for one resource. Only hashes of the token, the OAuth state and the browser-binding cookie are
 * kept; the PKCE verifier and the Required Inputs typed before Continue are encrypted with
 * `connect_session:<id>:authorization` as associated data.
 */
export const connectSessions = pgTable(
  "connect_sessions",
  {
    id: uuid("id").primaryKey(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    resourceId: uuid("resource_id")
      .notNull()
      .references(() => resources.id, { onDelete: "cascade" }),
    target: connectSessionTarget("target").notNull(),
    // The Connected User's id (a User Token's sub); null for a test-connection session.
    userId: text("user_id"),
    // SHA-256 (base64url) of the token in the portal's URL.
    tokenHash: text("token_hash").notNull(),
    // The opener's origin (an Allowed Origin), which alone hears the outcome; null for a link.
    origin: text("origin"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    // Set once, atomically, when the flow ends (a connection saved, or an error after the callback).
    usedAt: timestamp("used_at", { withTimezone: true }),
    // SHA-256 of the OAuth state of the last Continue (single use) and of its browser-binding cookie.
    stateHash: text("state_hash"),
    bindingHash: text("binding_hash"),
    // Encrypted JSON { codeVerifier?, inputs } of the last Continue.
    authorization: text("authorization"),
    // How the flow ended, for the outcome page: never a secret.
    outcome: text("outcome").$type<"connected" | "error">(),
    // An error outcome's code (the API's OAuth error, e.g. access_denied, or Switchboard's) and message.
    outcomeCode: text("outcome_code"),
    outcomeError: text("outcome_error"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("connect_sessions_token_hash_key").on(table.tokenHash),
    uniqueIndex("connect_sessions_state_hash_key").on(table.stateHash),
    index("connect_sessions_expires_at_idx").on(table.expiresAt),
    check("connect_sessions_user_id_check", sql`(${table.target} = 'user') = (${table.userId} is not null)`),
  ],
);

export type ConnectSession = typeof connectSessions.$inferSelect;
