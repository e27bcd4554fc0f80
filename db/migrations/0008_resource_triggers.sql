CREATE TABLE "webhook_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"event_id" text,
	"event_type" text,
	"user_id" text,
	"matched" boolean NOT NULL,
	"signature_ok" boolean NOT NULL,
	"rejected_reason" text,
	"headers" jsonb,
	"payload" jsonb,
	"run_ids" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "webhook" jsonb;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "webhook_sample" jsonb;--> statement-breakpoint
ALTER TABLE "workflow_versions" ADD COLUMN "trigger_resource_id" uuid;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_resource_event_id_key" ON "webhook_events" USING btree ("resource_id","event_id");--> statement-breakpoint
CREATE INDEX "webhook_events_resource_received_idx" ON "webhook_events" USING btree ("resource_id","received_at");--> statement-breakpoint
CREATE INDEX "workflow_versions_trigger_resource_idx" ON "workflow_versions" USING btree ("trigger_resource_id","event_name");