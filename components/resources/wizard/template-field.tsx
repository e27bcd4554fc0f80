"use client";

import { type Control, Controller, type FieldValues, type Path } from "react-hook-form";
import { FormField } from "@/components/ui/form-field";
import { TemplateInput } from "@/components/resources/template-input";

/** A labelled template input with the `{{` variable menu, bound to a react-hook-form field. */
export function TemplateField<T extends FieldValues>({
  control,
  name,
  label,
  variables,
  error,
  hint,
  placeholder,
  rows,
}: {
  control: Control<T>;
  name: Path<T>;
  label: string;
  variables: readonly string[];
  error?: string;
  hint?: string;
  placeholder?: string;
  /** Multi-line (a JSON body): a textarea of this many rows. */
  rows?: number;
}) {
  return (
    <FormField label={label} error={error} hint={hint ?? (variables.length ? "Type {{ to insert a variable." : undefined)}>
      {(controlProps) => (
        <Controller
          control={control}
          name={name}
          render={({ field }) => (
            <TemplateInput
              {...controlProps}
              name={field.name}
              ref={field.ref}
              value={(field.value as string | undefined) ?? ""}
              onChange={field.onChange}
              onBlur={field.onBlur}
              variables={variables}
              placeholder={placeholder}
              rows={rows}
            />
          )}
        />
      )}
    </FormField>
  );
}
