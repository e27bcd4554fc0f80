import type { InputHTMLAttributes, ReactNode } from "react";

export interface RadioOption<T extends string> {
  value: T;
  label: string;
  description?: ReactNode;
}

/** A fieldset of radio cards; `inputProps` spreads a react-hook-form registration onto each radio. */
export function RadioGroup<T extends string>({
  legend,
  options,
  error,
  inputProps,
}: {
  legend: string;
  options: readonly RadioOption<T>[];
  error?: string;
  inputProps: Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "value">;
}) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="grid gap-2 sm:grid-cols-2">
        {options.map((option) => (
          <label
            key={option.value}
            className="flex cursor-pointer gap-3 rounded-md border border-slate-200 bg-white p-3 text-sm has-checked:border-indigo-500 has-checked:bg-indigo-50"
          >
            <input type="radio" value={option.value} className="mt-0.5 accent-indigo-600" {...inputProps} />
            <span>
              <span className="font-medium">{option.label}</span>
              {option.description && <span className="mt-0.5 block text-xs text-slate-600">{option.description}</span>}
            </span>
          </label>
        ))}
      </div>
      {error && <p className="text-sm text-red-600">{error}</p>}
    </fieldset>
  );
}
