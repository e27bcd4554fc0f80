import { type Tab, TabNav } from "./tab-nav";

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
  tabs: readonly Tab[];
}) {
  return (
    <>
      <div>
        <p className="text-sm text-slate-500">
          {idLabel} <code className="font-mono">{id}</code>
        </p>
        <h1 className="text-2xl font-semibold break-words">{name}</h1>
      </div>
      <TabNav label={navLabel} tabs={tabs} />
    </>
  );
}
