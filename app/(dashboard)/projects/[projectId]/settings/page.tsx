import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { listProjectMembers } from "@/db/queries/projects";
import { allowPrivateNetworkEverywhere } from "@/lib/config/env";
import { requireProjectAccess } from "../../../require-user";
import { AddMemberForm, RemoveMemberButton } from "./members";
import { NetworkSettingsForm } from "./network-settings-form";
import { ProjectNameForm } from "./project-name-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { user, project, role } = await requireProjectAccess(projectId);
  const members = await listProjectMembers({ projectId });
  const isOwner = role === "owner";

  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-2xl font-semibold">Settings</h1>

      <Card title="Project">
        <div className="space-y-6">
          <div className="space-y-1">
            <label htmlFor="project-id" className="block text-sm font-medium text-slate-800">
              Project ID
            </label>
            <div className="flex gap-2">
              <input
                id="project-id"
                readOnly
                value={project.id}
                className="block w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm"
              />
              <CopyButton value={project.id} label="Copy Project ID" />
            </div>
            <p className="text-xs text-slate-500">Your SDK and API calls name the project by this ID.</p>
          </div>
          <ProjectNameForm projectId={project.id} name={project.name} />
        </div>
      </Card>

      <Card
        title="Network"
        description="Where this project's resources may send requests: test requests, token requests, profiles and workflow steps."
      >
        <NetworkSettingsForm
          projectId={project.id}
          allowPrivateNetwork={project.allowPrivateNetwork}
          allowedByServer={allowPrivateNetworkEverywhere()}
          canEdit={isOwner}
        />
      </Card>

      <Card title="Team members" description="Everyone here can open this project's dashboard.">
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2 font-medium">Email</th>
              <th className="py-2 font-medium">Role</th>
              <th className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {members.map((member) => (
              <tr key={member.userId}>
                <td className="py-2">
                  {member.email}
                  {member.userId === user.id && <span className="ml-2 text-xs text-slate-500">(you)</span>}
                </td>
                <td className="py-2 capitalize">{member.role}</td>
                <td className="py-2 text-right">
                  {isOwner && member.role !== "owner" && (
                    <RemoveMemberButton projectId={project.id} userId={member.userId} email={member.email} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {isOwner && <AddMemberForm projectId={project.id} />}
      </Card>
    </div>
  );
}
