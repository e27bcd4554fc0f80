DROP INDEX "connections_resource_user_key";--> statement-breakpoint
DROP INDEX "connections_resource_test_key";--> statement-breakpoint
CREATE UNIQUE INDEX "connections_resource_user_key" ON "connections" USING btree ("resource_id","user_id") WHERE "connections"."kind" = 'user';--> statement-breakpoint
CREATE UNIQUE INDEX "connections_resource_test_key" ON "connections" USING btree ("resource_id") WHERE "connections"."kind" = 'test';--> statement-breakpoint
ALTER TABLE "connections" DROP COLUMN "is_test";--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_user_id_check" CHECK (("connections"."kind" = 'user') = ("connections"."user_id" is not null));