import type { ReactNode } from "react";
import { requireProjectAccess } from "../../../require-user";
import { SettingsTabs } from "./settings-tabs";

// Settings is tabbed: General (the project's settings) and Notifications.
export default async function SettingsLayout({ children, params }: { children: ReactNode; params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  await requireProjectAccess(projectId);
  return (
    <div className="space-y-6">
      <SettingsTabs projectId={projectId} />
      {children}
    </div>
  );
}
