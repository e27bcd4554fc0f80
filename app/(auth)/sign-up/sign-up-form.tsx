"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { signUpSchema, type SignUpInput } from "@/lib/auth/schema";
import { signUp } from "./actions";

/** Posts to the sign-up action, with or without JavaScript. */
export function SignUpForm() {
  const { state, formAction, formRef, submit, isPending, serverErrors } = useActionForm(signUp, undefined);
  const form = useForm<SignUpInput, unknown, z.output<typeof signUpSchema>>({
    resolver: zodResolver(signUpSchema),
    defaultValues: { email: state?.email ?? "", password: "" },
  });
  const { errors } = form.formState;

  return (
    <form ref={formRef} action={formAction} onSubmit={form.handleSubmit(submit)} className="space-y-4" noValidate>
      <FormMessage error={serverErrors?.formError} />
      <FormField label="Email" error={errors.email?.message ?? serverErrors?.fieldErrors?.email?.[0]}>
        <Input type="email" autoComplete="email" defaultValue={state?.email} {...form.register("email")} />
      </FormField>
      <FormField
        label="Password"
        error={errors.password?.message ?? serverErrors?.fieldErrors?.password?.[0]}
        hint="At least 10 characters."
      >
        <Input type="password" autoComplete="new-password" {...form.register("password")} />
      </FormField>
      <Button type="submit" className="w-full" disabled={isPending}>
        {isPending ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
