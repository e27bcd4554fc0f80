import { PageHeader } from "@/components/ui/page-header";

export type ResourceTab = "setup" | "connected-users" | "request" | "webhooks" | "tools";

/** The top of every resource page: its ID, its name and its tabs (setup wizard, Connected Users, request console, Webhook Setup, Tools). */
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
  const base = `/projects/${projectId}/resources/${resourceId}`;
  const tabs: { tab: ResourceTab; label: string; href: string }[] = [
    { tab: "setup", label: "Setup", href: base },
    { tab: "connected-users", label: "Connected Users", href: `${base}/connected-users` },
    { tab: "request", label: "Request", href: `${base}/request` },
    { tab: "webhooks", label: "Webhooks", href: `${base}/webhooks` },
    { tab: "tools", label: "Tools", href: `${base}/tools` },
  ];
  return (
    <PageHeader
      idLabel="Resource ID"
      id={resourceId}
      name={name}
      navLabel="Resource"
      tabs={tabs.map(({ tab, ...rest }) => ({ ...rest, current: tab === current }))}
    />
  );
}
