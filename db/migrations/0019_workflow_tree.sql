CREATE TYPE "public"."workflow_item_status" AS ENUM('waiting', 'queued', 'succeeded', 'failed', 'stopped');--> statement-breakpoint
CREATE TABLE "workflow_run_items" (
	"run_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"item" integer NOT NULL,
	"status" "workflow_item_status" DEFAULT 'waiting' NOT NULL,
	"value" jsonb,
	"output" jsonb,
	"error" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "workflow_run_items_run_id_position_item_pk" PRIMARY KEY("run_id","position","item")
);
--> statement-breakpoint
ALTER TABLE "workflow_run_steps" ADD COLUMN "item" integer DEFAULT -1 NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow_run_steps" DROP CONSTRAINT "workflow_run_steps_run_id_position_pk";--> statement-breakpoint
ALTER TABLE "workflow_run_steps" ADD CONSTRAINT "workflow_run_steps_run_id_item_position_pk" PRIMARY KEY("run_id","item","position");--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD COLUMN "answer" jsonb;--> statement-breakpoint
ALTER TABLE "workflow_runs" ADD COLUMN "answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workflow_run_items" ADD CONSTRAINT "workflow_run_items_run_id_workflow_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."workflow_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Conditions gain When true and Otherwise step lists. Definitions saved before have flat steps:
-- each Condition gets two empty lists, which keeps its meaning (holds: the steps after it run;
-- does not hold: with no Otherwise steps the run ends Stopped).
CREATE FUNCTION "pg_temp"."with_condition_branches"(definition jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_set(definition, '{steps}', coalesce((
    SELECT jsonb_agg(CASE WHEN step ->> 'type' = 'condition' AND NOT step ? 'whenTrue'
      THEN step || '{"whenTrue": [], "otherwise": []}'::jsonb ELSE step END ORDER BY position)
    FROM jsonb_array_elements(definition -> 'steps') WITH ORDINALITY AS steps(step, position)), '[]'::jsonb))
$$;--> statement-breakpoint
UPDATE "workflows" SET "draft" = "pg_temp"."with_condition_branches"("draft") WHERE jsonb_path_exists("draft", '$.steps[*] ? (@.type == "condition")');--> statement-breakpoint
UPDATE "workflow_versions" SET "definition" = "pg_temp"."with_condition_branches"("definition") WHERE jsonb_path_exists("definition", '$.steps[*] ? (@.type == "condition")');
