import Link from "next/link";

export interface PageTab {
  label: string;
  href: string;
  current: boolean;
}

/** The top of an object's pages (a resource, a workflow): its ID, its name and its tabs. */
export function PageHeader({
  idLabel,
  id,
  name,
  navLabel,
  tabs,
}: {
  idLabel: string;
  id: string;
  name: string;
  navLabel: string;
  tabs: readonly PageTab[];
}) {
  return (
    <>
      <div>
        <p className="text-sm text-slate-500">
          {idLabel} <code className="font-mono">{id}</code>
        </p>
        <h1 className="text-2xl font-semibold break-words">{name}</h1>
      </div>
      <nav aria-label={navLabel} className="border-b border-slate-200">
        <ul className="-mb-px flex gap-4 text-sm">
          {tabs.map(({ label, href, current }) => (
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
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}
