import Link from "next/link";

export interface Tab {
  label: string;
  href: string;
  current: boolean;
}

/** A row of tabs, each a link to a page of its own; the current one is marked `aria-current="page"`. */
export function TabNav({ label, tabs }: { label: string; tabs: readonly Tab[] }) {
  return (
    <nav aria-label={label} className="border-b border-slate-200">
      <ul className="-mb-px flex gap-4 text-sm">
        {tabs.map(({ label: tabLabel, href, current }) => (
          <li key={href}>
            <Link
              href={href}
              aria-current={current ? "page" : undefined}
              className={`inline-block border-b-2 px-1 pb-2 font-medium ${
                current
                  ? "border-indigo-600 text-indigo-700"
                  : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-800"
              }`}
            >
              {tabLabel}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
