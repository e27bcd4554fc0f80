"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { signUpSchema, type SignUpInput } from "@/lib/auth/schema";
import { signUp } from "./actions";

export function SignUpForm() {
  const router = useRouter();
  const form = useForm<SignUpInput, unknown, z.output<typeof signUpSchema>>({
    resolver: zodResolver(signUpSchema),
    defaultValues: { email: "", password: "" },
  });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: z.output<typeof signUpSchema>) {
    const result = await signUp(values);
    if (!result.ok) return applyActionErrors(form, result);
    const signedIn = await signIn("credentials", { ...values, redirect: false });
    if (!signedIn?.ok) {
      router.replace("/sign-in");
      return;
    }
    router.replace(`/projects/${result.data.projectId}/resources`);
    router.refresh();
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-4" noValidate>
      <FormMessage error={errors.root?.serverError?.message} />
      <FormField label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="email" {...form.register("email")} />
      </FormField>
      <FormField label="Password" error={errors.password?.message} hint="At least 10 characters.">
        <Input type="password" autoComplete="new-password" {...form.register("password")} />
      </FormField>
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
