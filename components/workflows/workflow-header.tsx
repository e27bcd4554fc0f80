import { PageHeader } from "@/components/ui/page-header";

export type WorkflowTab = "editor" | "runs";

/** The top of a workflow's pages: its ID, its name and the "Editor" and "Runs" tabs. */
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
  return (
    <PageHeader
      idLabel="Workflow ID"
      id={workflowId}
      name={name}
      navLabel="Workflow"
      tabs={[
        { label: "Editor", href: base, current: current === "editor" },
        { label: "Runs", href: `${base}/runs`, current: current === "runs" },
      ]}
    />
  );
}
