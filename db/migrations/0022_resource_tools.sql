CREATE TABLE "resource_tools" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"operation_key" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"name" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"input_schema" jsonb NOT NULL,
	"output_schema" jsonb,
	"parameters" jsonb NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resource_tools_name_format" CHECK ("resource_tools"."name" ~ '^[a-z][a-z0-9_]{0,63}$')
);
--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "offer_tools_to_every_user" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "resource_tools" ADD CONSTRAINT "resource_tools_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_tools" ADD CONSTRAINT "resource_tools_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "resource_tools_resource_operation_key" ON "resource_tools" USING btree ("resource_id","operation_key");--> statement-breakpoint
CREATE UNIQUE INDEX "resource_tools_project_enabled_name_key" ON "resource_tools" USING btree ("project_id","name") WHERE "resource_tools"."enabled";--> statement-breakpoint
CREATE INDEX "resource_tools_project_idx" ON "resource_tools" USING btree ("project_id");