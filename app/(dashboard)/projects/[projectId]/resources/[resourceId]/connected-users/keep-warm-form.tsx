"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { type KeepWarmInput, keepWarmSchema } from "@/lib/notifications/schema";
import { saveKeepWarm } from "./actions";

/** Keep-warm of a resource: off by default; on, its idle connections are refreshed every N days. */
export function KeepWarmForm({ projectId, resourceId, days }: { projectId: string; resourceId: string; days: number | null }) {
  const router = useRouter();
  const form = useForm<KeepWarmInput, unknown, z.output<typeof keepWarmSchema>>({
    resolver: zodResolver(keepWarmSchema),
    defaultValues: { projectId, resourceId, enabled: days !== null, days: days ?? 30 },
  });
  const { errors, isSubmitting } = form.formState;
  const [saved, setSaved] = useState<string>();

  async function onSubmit(values: z.output<typeof keepWarmSchema>) {
    setSaved(undefined);
    const result = await saveKeepWarm(values);
    if (!result.ok) return applyActionErrors(form, result);
    setSaved(result.data.days === null ? "Keep-warm is off." : `Keep-warm is on: every ${result.data.days} days.`);
    router.refresh();
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-3" noValidate>
      <FormMessage error={errors.root?.serverError?.message} success={saved} />
      <Checkbox
        label="Keep-warm"
        hint="Some providers expire a refresh token that is not used for a while. Switchboard refreshes these connections before that happens."
        {...form.register("enabled")}
      />
      <div className="flex items-end gap-2">
        <div className="w-72">
          <FormField label="Refresh connections not refreshed for N days" error={errors.days?.message} hint="N: 1 to 90.">
            <Input type="number" min={1} max={90} step={1} {...form.register("days")} />
          </FormField>
        </div>
        <Button type="submit" variant="secondary" disabled={isSubmitting} className="mb-5">
          {isSubmitting ? "Saving…" : "Save Keep-warm"}
        </Button>
      </div>
    </form>
  );
}
