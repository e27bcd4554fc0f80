ALTER TABLE "projects" ADD COLUMN "secret_key_rate_limit" integer DEFAULT 6000 NOT NULL;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "config_revision" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Any change to a project's row bumps its revision (unless the change is the bump itself).
CREATE FUNCTION projects_bump_config_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.config_revision = OLD.config_revision THEN
    NEW.config_revision := OLD.config_revision + 1;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER projects_config_revision BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION projects_bump_config_revision();
--> statement-breakpoint
-- A change to what a request reads of a project (signing keys, Secret Keys, resources, their secrets) bumps the project's revision.
CREATE FUNCTION bump_project_config_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed_project uuid;
BEGIN
  IF TG_TABLE_NAME = 'resource_secrets' THEN
    IF TG_OP = 'DELETE' THEN
      SELECT project_id INTO changed_project FROM resources WHERE id = OLD.resource_id;
    ELSE
      SELECT project_id INTO changed_project FROM resources WHERE id = NEW.resource_id;
    END IF;
  ELSIF TG_OP = 'DELETE' THEN
    changed_project := OLD.project_id;
  ELSE
    changed_project := NEW.project_id;
  END IF;
  UPDATE projects SET config_revision = config_revision + 1 WHERE id = changed_project;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER signing_keys_config_revision AFTER INSERT OR UPDATE OR DELETE ON signing_keys FOR EACH ROW EXECUTE FUNCTION bump_project_config_revision();
--> statement-breakpoint
-- Not on last_used_at: every Secret Key call stamps it.
CREATE TRIGGER project_secret_keys_config_revision AFTER INSERT OR DELETE OR UPDATE OF hash, revoked_at ON project_secret_keys FOR EACH ROW EXECUTE FUNCTION bump_project_config_revision();
--> statement-breakpoint
CREATE TRIGGER resources_config_revision AFTER INSERT OR UPDATE OR DELETE ON resources FOR EACH ROW EXECUTE FUNCTION bump_project_config_revision();
--> statement-breakpoint
CREATE TRIGGER resource_secrets_config_revision AFTER INSERT OR UPDATE OR DELETE ON resource_secrets FOR EACH ROW EXECUTE FUNCTION bump_project_config_revision();
