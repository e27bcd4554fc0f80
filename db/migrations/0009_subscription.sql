ALTER TABLE "connections" ADD COLUMN "subscription_status" text;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "subscription_error" text;