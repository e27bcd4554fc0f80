import type { ReactNode } from "react";
import { requireProjectAccess } from "@/server/require-user";
import { SettingsTabs } from "./settings-tabs";

/** Settings' heading and tabs (General, Notifications, Agents, Audit Log), above each tab's page. */
export default async function SettingsLayout({ children, params }: { children: ReactNode; params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  await requireProjectAccess(projectId);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Settings</h1>
      <SettingsTabs projectId={projectId} />
      {children}
    </div>
  );
}
