"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** Settings' tabs, each a page of its own under /settings (General is /settings itself). */
const SETTINGS_TABS = [
  { label: "General", segment: "" },
  { label: "Notifications", segment: "notifications" },
  { label: "Audit Log", segment: "audit-log" },
] as const;

export function SettingsTabs({ projectId }: { projectId: string }) {
  const pathname = usePathname();
  const base = `/projects/${projectId}/settings`;
  return (
    <nav aria-label="Settings" className="border-b border-slate-200">
      <ul className="-mb-px flex gap-4 text-sm">
        {SETTINGS_TABS.map(({ label, segment }) => {
          const href = segment ? `${base}/${segment}` : base;
          const current = segment ? pathname === href || pathname.startsWith(`${href}/`) : pathname === base;
          return (
            <li key={label}>
              <Link
                href={href}
                aria-current={current ? "page" : undefined}
                className={`inline-block border-b-2 px-1 pb-2 font-medium ${
                  current
                    ? "border-indigo-600 text-indigo-700"
                    : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-800"
                }`}
              >
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
