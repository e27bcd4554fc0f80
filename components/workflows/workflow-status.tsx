/** A workflow's status as the list and the editor show it: Draft, or Deployed v<N> with "Undeployed changes". */
export function WorkflowStatus({ deployedVersion, undeployedChanges }: { deployedVersion: number | null; undeployedChanges: boolean }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <span
        className={`rounded-full px-2 py-0.5 text-xs font-medium ${
          deployedVersion === null ? "bg-slate-100 text-slate-700" : "bg-emerald-50 text-emerald-700"
        }`}
      >
        {deployedVersion === null ? "Draft" : `Deployed v${deployedVersion}`}
      </span>
      {deployedVersion !== null && undeployedChanges && <span className="text-xs text-amber-700">Undeployed changes</span>}
    </span>
  );
}
