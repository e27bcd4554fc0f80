import Link from "next/link";

export type ResourceTab = "setup" | "connected-users" | "request";

/** The resource's pages: its setup wizard, its Connected Users and the request console. */
export function ResourceTabs({ projectId, resourceId, current }: { projectId: string; resourceId: string; current: ResourceTab }) {
  const base = `/projects/${projectId}/resources/${resourceId}`;
  const tabs: { tab: ResourceTab; label: string; href: string }[] = [
    { tab: "setup", label: "Setup", href: base },
    { tab: "connected-users", label: "Connected Users", href: `${base}/connected-users` },
    { tab: "request", label: "Request", href: `${base}/request` },
  ];
  return (
    <nav aria-label="Resource" className="border-b border-slate-200">
      <ul className="-mb-px flex gap-4 text-sm">
        {tabs.map(({ tab, label, href }) => {
          const active = tab === current;
          return (
            <li key={tab}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={`inline-block border-b-2 px-1 pb-2 font-medium ${
                  active ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-800"
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

/** The top of every resource page: its ID, its name and the tabs. */
export function ResourceHeader({
  projectId,
  resourceId,
  name,
  current,
}: {
  projectId: string;
  resourceId: string;
  name: string;
  current: ResourceTab;
}) {
  return (
    <>
      <div>
        <p className="text-sm text-slate-500">
          Resource ID <code className="font-mono">{resourceId}</code>
        </p>
        <h1 className="text-2xl font-semibold">{name}</h1>
      </div>
      <ResourceTabs projectId={projectId} resourceId={resourceId} current={current} />
    </>
  );
}
