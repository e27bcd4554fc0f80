import type { ReactNode } from "react";

/** What a Member sees where an Owner or Admin changes a resource. */
export function ReadOnlyResourceNote() {
  return (
    <p role="note" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      Only an Owner or Admin can change resources.
    </p>
  );
}

/**
 * A resource's forms as the signed-in member may use them: as they are for an Owner or Admin;
 * for a Member, under the note and inside a disabled fieldset, so every field and button shows
 * but none can be used (the actions refuse them anyway).
 */
export function ResourceEditGuard({ canEdit, children }: { canEdit: boolean; children: ReactNode }) {
  if (canEdit) return children;
  return (
    <div className="space-y-4">
      <ReadOnlyResourceNote />
      <fieldset disabled aria-label="Read-only: only an Owner or Admin can change resources" className="m-0 min-w-0 border-0 p-0">
        {children}
      </fieldset>
    </div>
  );
}
