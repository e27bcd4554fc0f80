-- A run's end is announced on channel switchboard_run_ended (payload: the run's id), in the
-- transaction that ends it, whatever statement does (a step's end, Cancel, a lost worker):
-- waiters of ?wait=true in every process LISTEN (lib/workflows/run-waits.ts). The WHEN clause
-- keeps every other update of workflow_runs (a step starting) from calling the function.
CREATE FUNCTION "switchboard_notify_run_ended"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('switchboard_run_ended', NEW.id::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "workflow_runs_ended_notify" AFTER UPDATE OF "status" ON "workflow_runs" FOR EACH ROW
  WHEN (NEW.status IN ('succeeded', 'failed', 'stopped', 'cancelled') AND OLD.status IN ('queued', 'running'))
  EXECUTE FUNCTION "switchboard_notify_run_ended"();
