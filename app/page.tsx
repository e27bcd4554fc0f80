import { redirect } from "next/navigation";
import { listProjectsForUser } from "@/db/queries/projects";
import { getSessionUser } from "@/server/session";

export default async function Home() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const [first] = await listProjectsForUser({ userId: user.id });
  redirect(first ? `/projects/${first.id}/resources` : "/projects/new");
}
