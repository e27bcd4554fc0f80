import type { ProjectRole } from "@/db/schema";

// A project's team roles. The Owner created the project and alone manages its members, keys,
// network and notification settings; an Admin also changes resources (create, save a step,
// test credentials, Finish, delete, webhook setup), since a resource's base URL and
// authentication decide where every connected user's credentials are sent; a Member reads
// resources and works on workflows.

export const ROLE_LABELS: Record<ProjectRole, string> = { owner: "Owner", admin: "Admin", member: "Member" };

/** The roles the owner may give a member (there is one owner: the project's creator). */
export const ASSIGNABLE_ROLES = ["member", "admin"] as const satisfies readonly ProjectRole[];

/** Whether `role` may change a project's resources. */
export function canChangeResources(role: ProjectRole): boolean {
  return role === "owner" || role === "admin";
}
