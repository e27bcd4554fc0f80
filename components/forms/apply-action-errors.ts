// The parts of a react-hook-form form this needs (method syntax keeps any form's field types assignable).
interface ErrorTarget {
  getValues(): object;
  setError(name: string, error: { message: string }): void;
}

/**
 * Shows a failed action's errors in a react-hook-form form: per field (dotted paths such as
 * `requiredInputs.0.key`), and the rest on the form.
 */
export function applyActionErrors(form: ErrorTarget, result: { fieldErrors?: Record<string, string[]>; formError?: string }): void {
  const fields = Object.keys(form.getValues());
  let unshown = result.formError;
  for (const [field, messages] of Object.entries(result.fieldErrors ?? {})) {
    const message = messages[0];
    if (!message) continue;
    if (fields.includes(field.split(".")[0]!)) form.setError(field, { message });
    else unshown ??= message;
  }
  if (unshown) form.setError("root.serverError", { message: unshown });
}
