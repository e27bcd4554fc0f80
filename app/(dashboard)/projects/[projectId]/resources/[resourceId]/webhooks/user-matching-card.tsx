"use client";

import { useState } from "react";
import { useFormContext, useWatch } from "react-hook-form";
import { TemplateField } from "@/components/resources/wizard/template-field";
import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { RadioGroup } from "@/components/ui/radio-group";
import type { WebhookSetupInput } from "@/lib/webhooks/setup-schema";
import { useErrorAt } from "./webhook-setup-fields";

const MATCH_OPTIONS = [
  { value: "user_id", label: "User ID", description: "The Connected User's ID: the sub of their User Token." },
  { value: "profile", label: "Profile field", description: "A field of the User Profile kept on their connection." },
] as const;

/** The User matching card: where an event names its user, and what that is matched against (an App-Level resource has no user). */
export function UserMatchingCard({ appLevel, variables }: { appLevel: boolean; variables: readonly string[] }) {
  const form = useFormContext<WebhookSetupInput>();
  const { control, register, setValue } = form;
  const errorAt = useErrorAt();
  const matchKind = useWatch<WebhookSetupInput, "userMatchField.kind">({ name: "userMatchField.kind" });
  // Switching Match against back and forth keeps the path typed.
  const [profilePath, setProfilePath] = useState("");

  function chooseMatchField(kind: "user_id" | "profile") {
    const previous = form.getValues("userMatchField");
    if ("path" in previous) setProfilePath(previous.path);
    form.clearErrors("userMatchField");
    setValue("userMatchField", kind === "profile" ? { kind, path: profilePath } : { kind }, { shouldDirty: true });
  }

  return (
    <Card title="User matching" description="Which Connected User an event is for: workflows run for that user.">
      {appLevel ? (
        <p className="text-sm text-slate-600">
          App-Level resources run once per event, with the app&apos;s credentials: there is no user to match.
        </p>
      ) : (
        <div className="space-y-4">
          <TemplateField
            control={control}
            name="userMatchTemplate"
            label="User matching"
            variables={variables}
            placeholder="{{payload.account_id}}"
            error={errorAt("userMatchTemplate")}
            hint="Where an event names its user, e.g. {{payload.account_id}}. Unmatched events are kept and shown, and start nothing."
          />
          <RadioGroup
            legend="Match against"
            options={MATCH_OPTIONS}
            error={errorAt("userMatchField")}
            inputProps={register("userMatchField.kind", {
              onChange: (event) => chooseMatchField(event.target.value as "user_id" | "profile"),
            })}
          />
          {matchKind === "profile" && (
            <FormField
              label="Profile field path"
              error={errorAt("userMatchField.path")}
              hint="A field of the User Profile, e.g. account_id or team.id."
            >
              <Input
                autoComplete="off"
                spellCheck={false}
                placeholder="account_id"
                className="font-mono"
                {...register("userMatchField.path")}
              />
            </FormField>
          )}
          {matchKind === "profile" && (
            <Checkbox
              label="Profile field is unique"
              hint="A user connecting with a value another user's connection already holds is refused (409 profile_value_taken). Unticked, an event whose value several connections hold is kept as ambiguous and starts nothing."
              {...register("userMatchField.unique")}
            />
          )}
        </div>
      )}
    </Card>
  );
}
