"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";

interface ProjectSummary {
  id: string;
  name: string;
}

/** The current project, and a menu of the user's other projects and "New project". */
export function ProjectSwitcher({ current, projects }: { current: ProjectSummary; projects: ProjectSummary[] }) {
  const details = useRef<HTMLDetailsElement>(null);
  const pathname = usePathname();
  // Close the menu once a choice has navigated.
  useEffect(() => {
    if (details.current) details.current.open = false;
  }, [pathname]);

  return (
    <details ref={details} className="group relative">
      <summary
        aria-label={`Project: ${current.name}. Switch project`}
        className="flex cursor-pointer list-none items-center justify-between rounded-md border border-slate-200 px-2 py-1.5 text-sm font-medium hover:bg-slate-50"
      >
        <span className="truncate">{current.name}</span>
        <span aria-hidden className="text-slate-400 group-open:rotate-180">
          ▾
        </span>
      </summary>
      <div className="absolute inset-x-0 z-10 mt-1 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
        <ul aria-label="Projects">
          {projects.map((project) => (
            <li key={project.id}>
              <Link
                href={`/projects/${project.id}/resources`}
                aria-current={project.id === current.id ? "true" : undefined}
                className="block truncate px-3 py-1.5 text-sm hover:bg-slate-50 aria-[current=true]:font-semibold"
              >
                {project.name}
              </Link>
            </li>
          ))}
        </ul>
        <Link href="/projects/new" className="block border-t border-slate-100 px-3 py-1.5 text-sm text-indigo-600 hover:bg-slate-50">
          New project
        </Link>
      </div>
    </details>
  );
}
