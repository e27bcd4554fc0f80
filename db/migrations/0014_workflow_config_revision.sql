-- Deploying, undeploying or deleting a workflow, or changing whom it is enabled for, bumps its
-- project's configuration revision: the webhook intake keeps each resource's deployed workflows
-- per process by revision (lib/webhooks/intake-state.ts). Draft edits do not.
CREATE TRIGGER workflows_config_revision AFTER INSERT OR DELETE OR UPDATE OF deployed_version, enabled_for_all ON workflows FOR EACH ROW EXECUTE FUNCTION bump_project_config_revision();
