"use client";

import { startTransition, useActionState, useRef, useState } from "react";

/** What a form's server action answers when it does not redirect. */
export type ActionFormState = { fieldErrors?: Record<string, string[]>; formError?: string } | undefined;

/**
 * A form whose server action works with or without JavaScript. Give the form `action={formAction}`
 * and `ref={formRef}`: before JavaScript has loaded (or without it) the browser POSTs the form to
 * the action and the page renders the state it answers. With JavaScript, `onSubmit` validates on
 * the client first and then calls `submit`, which sends the same form data to the same action.
 * `serverErrors` is the action's answer, until the next submission.
 */
export function useActionForm<S extends ActionFormState>(
  action: (state: Awaited<S>, formData: FormData) => Promise<S>,
  initialState: Awaited<S>,
) {
  const [state, formAction, isPending] = useActionState<S, FormData>(action, initialState);
  const formRef = useRef<HTMLFormElement>(null);
  const [dismissed, setDismissed] = useState<Awaited<S> | null>(null);

  function submit() {
    const form = formRef.current;
    if (!form) return;
    setDismissed(state);
    startTransition(() => formAction(new FormData(form)));
  }

  const serverErrors = isPending || state === dismissed ? undefined : state;
  return { state, formAction, formRef, submit, isPending, serverErrors };
}
