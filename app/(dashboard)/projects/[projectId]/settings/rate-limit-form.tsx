"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { rateLimitSettingsSchema, type RateLimitSettingsInput } from "@/lib/projects/schema";
import { setSecretKeyRateLimit } from "./actions";

export function RateLimitForm({
  projectId,
  secretKeyRateLimit,
  canEdit,
}: {
  projectId: string;
  secretKeyRateLimit: number;
  canEdit: boolean;
}) {
  const router = useRouter();
  const form = useForm<RateLimitSettingsInput, unknown, z.output<typeof rateLimitSettingsSchema>>({
    resolver: zodResolver(rateLimitSettingsSchema),
    defaultValues: { projectId, secretKeyRateLimit },
  });
  const { errors, isSubmitting } = form.formState;
  const [saved, setSaved] = useState(false);

  async function onSubmit(values: z.output<typeof rateLimitSettingsSchema>) {
    setSaved(false);
    const result = await setSecretKeyRateLimit(values);
    if (!result.ok) return applyActionErrors(form, result);
    form.reset({ projectId, secretKeyRateLimit: result.data.secretKeyRateLimit });
    setSaved(true);
    router.refresh();
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-3" noValidate>
      <FormMessage error={errors.root?.serverError?.message} success={saved ? "Saved." : undefined} />
      <FormField
        label="Secret Key requests a minute"
        hint="Connect API calls with this project's Secret Keys (your backend), all keys and users together. Calls with a User Token stay limited to 120 a minute per user."
        error={errors.secretKeyRateLimit?.message}
      >
        <Input type="number" inputMode="numeric" min={60} max={1_000_000} disabled={!canEdit} {...form.register("secretKeyRateLimit")} />
      </FormField>
      {canEdit && (
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Saving…" : "Save limit"}
        </Button>
      )}
    </form>
  );
}
