CREATE TYPE "public"."connect_session_target" AS ENUM('user', 'test');--> statement-breakpoint
CREATE TABLE "connect_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"resource_id" uuid NOT NULL,
	"target" "connect_session_target" NOT NULL,
	"user_id" text,
	"token_hash" text NOT NULL,
	"origin" text,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"state_hash" text,
	"binding_hash" text,
	"authorization" text,
	"outcome" text,
	"outcome_code" text,
	"outcome_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "connect_sessions_user_id_check" CHECK (("connect_sessions"."target" = 'user') = ("connect_sessions"."user_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "connect_sessions" ADD CONSTRAINT "connect_sessions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connect_sessions" ADD CONSTRAINT "connect_sessions_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "connect_sessions_token_hash_key" ON "connect_sessions" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "connect_sessions_state_hash_key" ON "connect_sessions" USING btree ("state_hash");--> statement-breakpoint
CREATE INDEX "connect_sessions_expires_at_idx" ON "connect_sessions" USING btree ("expires_at");