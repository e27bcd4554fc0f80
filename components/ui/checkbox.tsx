import type { InputHTMLAttributes, ReactNode, Ref } from "react";

export function Checkbox({
  label,
  hint,
  ref,
  ...props
}: Omit<InputHTMLAttributes<HTMLInputElement>, "type"> & { label: string; hint?: ReactNode; ref?: Ref<HTMLInputElement> }) {
  return (
    <label className="flex items-start gap-2 text-sm">
      <input ref={ref} type="checkbox" className="mt-0.5 size-4 rounded border-slate-300 accent-indigo-600" {...props} />
      <span>
        <span className="font-medium text-slate-800">{label}</span>
        {hint && <span className="block text-xs text-slate-500">{hint}</span>}
      </span>
    </label>
  );
}
