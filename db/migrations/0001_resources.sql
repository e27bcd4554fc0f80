CREATE TYPE "public"."resource_auth_type" AS ENUM('oauth2', 'api_keys');--> statement-breakpoint
CREATE TYPE "public"."resource_grant_type" AS ENUM('refresh_token', 'client_credentials');--> statement-breakpoint
CREATE TYPE "public"."resource_level" AS ENUM('user', 'app');--> statement-breakpoint
CREATE TYPE "public"."resource_status" AS ENUM('draft', 'published');--> statement-breakpoint
CREATE TABLE "resource_secrets" (
	"resource_id" uuid NOT NULL,
	"name" text NOT NULL,
	"ciphertext" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resource_secrets_resource_id_name_pk" PRIMARY KEY("resource_id","name")
);
--> statement-breakpoint
CREATE TABLE "resources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"level" "resource_level",
	"auth_type" "resource_auth_type",
	"grant_type" "resource_grant_type",
	"status" "resource_status" DEFAULT 'draft' NOT NULL,
	"step_reached" text NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vault_keys" (
	"version" integer PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "resource_secrets" ADD CONSTRAINT "resource_secrets_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "resources_project_name_key" ON "resources" USING btree ("project_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "resources_project_slug_key" ON "resources" USING btree ("project_id","slug");