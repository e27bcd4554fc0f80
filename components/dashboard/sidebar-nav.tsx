"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function SidebarNav({ projectId }: { projectId: string }) {
  const pathname = usePathname();
  const links = [
    { href: `/projects/${projectId}/resources`, label: "Resources" },
    { href: `/projects/${projectId}/workflows`, label: "Workflows" },
    { href: `/projects/${projectId}/settings`, label: "Settings" },
    { href: `/projects/${projectId}/api-reference`, label: "API Reference" },
  ];
  return (
    <nav aria-label="Project" className="flex flex-col gap-1 p-3">
      {links.map((link) => {
        const active = pathname === link.href || pathname.startsWith(`${link.href}/`);
        return (
          <Link
            key={link.href}
            href={link.href}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-2 py-1.5 text-sm font-medium ${
              active ? "bg-indigo-50 text-indigo-700" : "text-slate-700 hover:bg-slate-100"
            }`}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
