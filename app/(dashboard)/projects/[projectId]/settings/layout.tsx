import type { ReactNode } from "react";
import { SettingsTabs } from "./settings-tabs";

/** Settings' heading and tabs, above each tab's page. */
export default async function SettingsLayout({ children, params }: { children: ReactNode; params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Settings</h1>
      <SettingsTabs projectId={projectId} />
      {children}
    </div>
  );
}
