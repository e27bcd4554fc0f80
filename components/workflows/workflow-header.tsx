import Link from "next/link";

export type WorkflowTab = "editor" | "runs";

/** The top of a workflow's pages: its ID, its name and the "Editor" and "Runs" tabs (like ResourceHeader). */
export function WorkflowHeader({
  projectId,
  workflowId,
  name,
  current,
}: {
  projectId: string;
  workflowId: string;
  name: string;
  current: WorkflowTab;
}) {
  const base = `/projects/${projectId}/workflows/${workflowId}`;
  const tabs: { tab: WorkflowTab; label: string; href: string }[] = [
    { tab: "editor", label: "Editor", href: base },
    { tab: "runs", label: "Runs", href: `${base}/runs` },
  ];
  return (
    <>
      <div>
        <p className="text-sm text-slate-500">
          Workflow ID <code className="font-mono">{workflowId}</code>
        </p>
        <h1 className="text-2xl font-semibold break-words">{name}</h1>
      </div>
      <nav aria-label="Workflow" className="border-b border-slate-200">
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
    </>
  );
}
