"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { ASSIGNABLE_ROLES, ROLE_LABELS } from "@/lib/projects/roles";
import { addMemberSchema, type AddMemberInput } from "@/lib/projects/schema";
import { addMember, removeMember, setMemberRole } from "./actions";

export function AddMemberForm({ projectId }: { projectId: string }) {
  const router = useRouter();
  const form = useForm<AddMemberInput, unknown, z.output<typeof addMemberSchema>>({
    resolver: zodResolver(addMemberSchema),
    defaultValues: { projectId, email: "" },
  });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: z.output<typeof addMemberSchema>) {
    const result = await addMember(values);
    if (!result.ok) return applyActionErrors(form, result);
    form.reset({ projectId, email: "" });
    router.refresh();
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} className="mt-6 space-y-3 border-t border-slate-100 pt-4" noValidate>
      <h3 className="text-sm font-semibold">Add a member</h3>
      <FormMessage error={errors.root?.serverError?.message} />
      <FormField label="Member email" error={errors.email?.message} hint="They need a Switchboard account already.">
        <Input type="email" autoComplete="off" {...form.register("email")} />
      </FormField>
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? "Adding…" : "Add member"}
      </Button>
    </form>
  );
}

export function RemoveMemberButton({ projectId, userId, email }: { projectId: string; userId: string; email: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function remove() {
    startTransition(async () => {
      const result = await removeMember({ projectId, userId });
      if (!result.ok) {
        setError(result.formError ?? "Could not remove this member.");
        return;
      }
      router.refresh();
    });
  }

  return (
    <span className="inline-flex items-center gap-2">
      {error && (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      )}
      <Button variant="danger" onClick={remove} disabled={pending} aria-label={`Remove ${email}`}>
        Remove
      </Button>
    </span>
  );
}

/** The owner sets a member's role: Member (reads resources) or Admin (also changes them). */
export function MemberRoleSelect({
  projectId,
  userId,
  email,
  role,
}: {
  projectId: string;
  userId: string;
  email: string;
  role: (typeof ASSIGNABLE_ROLES)[number];
}) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function change(next: (typeof ASSIGNABLE_ROLES)[number]) {
    startTransition(async () => {
      const result = await setMemberRole({ projectId, userId, role: next });
      if (!result.ok) {
        setError(result.formError ?? "Could not change this member's role.");
        return;
      }
      setError(undefined);
      router.refresh();
    });
  }

  return (
    <span className="inline-flex items-center gap-2">
      <Select
        aria-label={`Role of ${email}`}
        className="w-auto py-1"
        value={role}
        disabled={pending}
        onChange={(event) => change(event.target.value as (typeof ASSIGNABLE_ROLES)[number])}
      >
        {ASSIGNABLE_ROLES.map((option) => (
          <option key={option} value={option}>
            {ROLE_LABELS[option]}
          </option>
        ))}
      </Select>
      {error && (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      )}
    </span>
  );
}
