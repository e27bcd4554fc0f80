import type { ReactNode } from "react";
import { SidebarNav } from "@/components/dashboard/sidebar-nav";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { ProjectSwitcher } from "@/components/projects/project-switcher";
import { listProjectsForUser } from "@/db/queries/projects";
import { requireProjectAccess } from "@/server/require-user";

export default async function ProjectLayout({ children, params }: { children: ReactNode; params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { user, project } = await requireProjectAccess(projectId);
  const projects = await listProjectsForUser({ userId: user.id });

  return (
    <div className="flex min-h-screen">
      <aside className="flex w-60 shrink-0 flex-col border-r border-slate-200 bg-white">
        <div className="border-b border-slate-200 p-3">
          <p className="px-2 pb-2 text-sm font-semibold tracking-tight text-indigo-700">Switchboard</p>
          <ProjectSwitcher current={{ id: project.id, name: project.name }} projects={projects} />
        </div>
        <SidebarNav projectId={project.id} />
        <div className="mt-auto border-t border-slate-200 p-3">
          <p className="truncate px-2 text-sm text-slate-700" title={user.email}>
            {user.email}
          </p>
          <SignOutButton />
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-8">{children}</main>
    </div>
  );
}
