import type { Metadata } from "next";
import Form from "next/form";
import { notFound } from "next/navigation";
import { z } from "zod";
import { DataTable } from "@/components/ui/data-table";
import { EmptyMessage } from "@/components/ui/empty-state";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { FilterActions } from "@/components/ui/list-navigation";
import { Select } from "@/components/ui/select";
import { UtcTime } from "@/components/ui/utc-time";
import {
  actorLabel,
  AUDIT_OBJECT_TYPES,
  auditLogHref,
  auditLogSearchParamsSchema,
  type AuditLogFilters,
  type AuditLogPage,
  listAuditLogPage,
  objectTypeLabel,
} from "@/lib/audit/audit-log";
import { requireProjectAccess } from "@/server/require-user";

export const metadata: Metadata = { title: "Audit Log" };

type Params = Promise<{ projectId: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";

export default async function AuditLogPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { projectId } = await params;
  // Owners and members alike may read the log.
  await requireProjectAccess(projectId);
  const query = await searchParams;
  const parsed = auditLogSearchParamsSchema.safeParse(query);
  // A page link we did not make: not found. A filter the user typed wrong: said next to it.
  if (!parsed.success && parsed.error.issues.some((issue) => issue.path[0] === "before")) notFound();
  const fieldErrors = parsed.success ? {} : z.flattenError(parsed.error).fieldErrors;
  const filters: AuditLogFilters = parsed.success ? parsed.data : {};
  const page: AuditLogPage = parsed.success ? await listAuditLogPage({ projectId, filters }) : { events: [] };

  const base = `/projects/${projectId}/settings/audit-log`;
  const { before, ...shown } = filters;
  const filtered = Object.values(shown).some(Boolean) || !parsed.success;

  return (
    <div className="max-w-5xl space-y-6">
      <div>
        <h2 className="text-lg font-semibold">Audit Log</h2>
        <p className="mt-1 text-sm text-slate-600">
          Every change to this project&apos;s configuration, newest first: who made it, what it changed (field names only, never a value).
          Events are kept for 90 days.
        </p>
      </div>

      <Form action={base} className="flex flex-wrap items-end gap-2">
        <div className="w-56">
          <FormField label="Actor" error={fieldErrors.actor?.[0]}>
            <Input name="actor" type="search" defaultValue={text(query.actor)} autoComplete="off" maxLength={320} spellCheck={false} />
          </FormField>
        </div>
        <div className="w-40">
          <FormField label="Object type" error={fieldErrors.objectType?.[0]}>
            <Select key={text(query.objectType)} name="objectType" defaultValue={text(query.objectType)}>
              <option value="">All</option>
              {AUDIT_OBJECT_TYPES.map(({ type, label }) => (
                <option key={type} value={type}>
                  {label}
                </option>
              ))}
            </Select>
          </FormField>
        </div>
        <div className="w-56">
          <FormField label="Object name" error={fieldErrors.objectName?.[0]}>
            <Input
              name="objectName"
              type="search"
              defaultValue={text(query.objectName)}
              autoComplete="off"
              maxLength={200}
              spellCheck={false}
            />
          </FormField>
        </div>
        <div className="w-40">
          <FormField label="From" error={fieldErrors.from?.[0]}>
            <Input name="from" type="date" defaultValue={text(query.from)} />
          </FormField>
        </div>
        <div className="w-40">
          <FormField label="To" error={fieldErrors.to?.[0]}>
            <Input name="to" type="date" defaultValue={text(query.to)} />
          </FormField>
        </div>
        <FilterActions filtered={filtered} clearHref={base} />
      </Form>
      <p className="text-xs text-slate-500">
        Actor matches an email, a Secret Key&apos;s name, a Connected User&apos;s ID or System; Object name matches any part of the name.
        Days are in UTC, From and To both included.
      </p>

      <DataTable
        rows={page.events}
        rowKey={(event) => event.id}
        caption="Audit events, newest first"
        empty={
          <EmptyMessage>
            <p>{filtered ? "No events match these filters." : before ? "No older events." : "No changes recorded yet."}</p>
          </EmptyMessage>
        }
        columns={[
          { header: "Time", className: "whitespace-nowrap text-slate-600", cell: (event) => <UtcTime date={event.createdAt} /> },
          { header: "Actor", className: "max-w-56 truncate", title: actorLabel, cell: actorLabel },
          { header: "Action", cell: (event) => <code className="font-mono text-xs">{event.action}</code> },
          {
            header: "Object",
            className: "max-w-64",
            cell: (event) => (
              <>
                <span className="text-slate-500">{objectTypeLabel(event.objectType)}:</span>{" "}
                <span className="break-words">{event.objectName}</span>
              </>
            ),
          },
          {
            header: "Changed fields",
            className: "max-w-72 text-xs text-slate-700",
            cell: (event) => (event.changes.length ? <span className="font-mono break-words">{event.changes.join(", ")}</span> : "—"),
          },
        ]}
        pager={{
          label: "Pages of audit events",
          noun: "events",
          newestHref: before ? auditLogHref(base, shown) : undefined,
          olderHref: page.next ? auditLogHref(base, { ...shown, before: page.next }) : undefined,
        }}
      />
    </div>
  );
}
