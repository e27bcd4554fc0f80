"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { signInSchema, type SignInInput } from "@/lib/auth/schema";
import { signIn } from "./actions";

/** Posts to the sign-in action, with or without JavaScript; `callbackUrl` is checked there. */
export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const { state, formAction, formRef, submit, isPending, serverErrors } = useActionForm(signIn, undefined);
  const form = useForm<SignInInput, unknown, z.output<typeof signInSchema>>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: state?.email ?? "", password: "" },
  });
  const { errors } = form.formState;

  return (
    <form ref={formRef} action={formAction} onSubmit={form.handleSubmit(submit)} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ""} />
      <FormMessage error={serverErrors?.formError} />
      <FormField label="Email" error={errors.email?.message ?? serverErrors?.fieldErrors?.email?.[0]}>
        <Input type="email" autoComplete="email" defaultValue={state?.email} {...form.register("email")} />
      </FormField>
      <FormField label="Password" error={errors.password?.message ?? serverErrors?.fieldErrors?.password?.[0]}>
        <Input type="password" autoComplete="current-password" {...form.register("password")} />
      </FormField>
      <Button type="submit" className="w-full" disabled={isPending}>
        {isPending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
