"use client";

import { usePathname } from "next/navigation";
import { TabNav } from "@/components/ui/tab-nav";

/** Settings' tabs, each a page of its own under /settings (General is /settings itself). */
const SETTINGS_TABS = [
  { label: "General", segment: "" },
  { label: "Notifications", segment: "notifications" },
  { label: "Agents", segment: "agents" },
  { label: "Audit Log", segment: "audit-log" },
] as const;

export function SettingsTabs({ projectId }: { projectId: string }) {
  const pathname = usePathname();
  const base = `/projects/${projectId}/settings`;
  return (
    <TabNav
      label="Settings"
      tabs={SETTINGS_TABS.map(({ label, segment }) => {
        const href = segment ? `${base}/${segment}` : base;
        return { label, href, current: segment ? pathname === href || pathname.startsWith(`${href}/`) : pathname === base };
      })}
    />
  );
}
