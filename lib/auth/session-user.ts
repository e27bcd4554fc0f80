/** A signed-in team member, as the dashboard knows them. */
export interface SessionUser {
  id: string;
  email: string;
}
