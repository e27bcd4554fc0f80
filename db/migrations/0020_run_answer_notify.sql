-- A run's answer (its Response step's) is announced on the channel its end is, switchboard_run_ended
-- (payload: the run's id), in the statement that sets it: a caller waiting with ?wait=true is
-- answered as soon as the Response step runs, not when the run ends (lib/workflows/triggers.ts
-- reads the run again and finds the answer). An answer is set at most once.
CREATE TRIGGER "workflow_runs_answered_notify" AFTER UPDATE OF "answer" ON "workflow_runs" FOR EACH ROW
  WHEN (OLD.answer IS NULL AND NEW.answer IS NOT NULL)
  EXECUTE FUNCTION "switchboard_notify_run_ended"();
