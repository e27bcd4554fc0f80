CREATE TYPE "public"."connection_kind" AS ENUM('user', 'test', 'app');--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "kind" "connection_kind";--> statement-breakpoint
-- Rows said what they were by is_test and an empty user id (the App-Level token cache).
UPDATE "connections" SET "kind" = CASE WHEN "is_test" THEN 'test'::connection_kind WHEN "user_id" = '' THEN 'app'::connection_kind ELSE 'user'::connection_kind END;--> statement-breakpoint
UPDATE "connections" SET "user_id" = NULL WHERE "kind" <> 'user';--> statement-breakpoint
ALTER TABLE "connections" ALTER COLUMN "kind" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "credentials_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "grant_fingerprint" text;--> statement-breakpoint
CREATE UNIQUE INDEX "connections_resource_app_key" ON "connections" USING btree ("resource_id") WHERE "connections"."kind" = 'app';
