"use client";

import { type KeyboardEvent, useState } from "react";
import { useFormContext, useWatch } from "react-hook-form";
import { TemplateField } from "@/components/resources/wizard/template-field";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { eventTypeNameSchema, type WebhookSetupInput } from "@/lib/webhooks/setup-schema";
import { SetupWarnings, useErrorAt } from "./webhook-setup-fields";

/** The Event types card: where an event names its type, the types listed (each a workflow trigger), and its Event ID. */
export function EventTypesCard({ resourceName, variables }: { resourceName: string; variables: readonly string[] }) {
  const form = useFormContext<WebhookSetupInput>();
  const { control, setValue } = form;
  const errorAt = useErrorAt();
  const eventTypes = useWatch<WebhookSetupInput, "eventTypes">({ name: "eventTypes" });
  const [newEventType, setNewEventType] = useState("");
  const [newEventTypeError, setNewEventTypeError] = useState<string>();

  function addEventType() {
    const parsed = eventTypeNameSchema.safeParse(newEventType);
    if (!parsed.success) return setNewEventTypeError(parsed.error.issues[0]?.message ?? "Enter an event type, e.g. task.created.");
    const listed = form.getValues("eventTypes");
    if (listed.includes(parsed.data)) return setNewEventTypeError(`"${parsed.data}" is listed already.`);
    setValue("eventTypes", [...listed, parsed.data], { shouldDirty: true, shouldValidate: form.formState.isSubmitted });
    setNewEventType("");
    setNewEventTypeError(undefined);
  }

  function removeEventType(name: string) {
    setValue(
      "eventTypes",
      form.getValues("eventTypes").filter((listed) => listed !== name),
      { shouldDirty: true, shouldValidate: form.formState.isSubmitted },
    );
  }

  function onNewEventTypeKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    addEventType();
  }

  const eventTypesError = errorAt("eventTypes") ?? eventTypes.map((_, index) => errorAt(`eventTypes.${index}`)).find(Boolean);

  return (
    <Card title="Event types" description="Which events your API sends: the type of each, and its ID for de-duplication.">
      <div className="space-y-4">
        <TemplateField
          control={control}
          name="eventTypeTemplate"
          label="Event type"
          variables={variables}
          placeholder="{{payload.type}}"
          error={errorAt("eventTypeTemplate")}
          hint="Where an event names its type, e.g. {{payload.type}}. Type {{ to insert a variable."
        />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">Event types</legend>
          <p className="text-xs text-slate-500">
            Each one is a trigger under “{resourceName} Triggers” in workflows. Events of other types are kept and start nothing.
          </p>
          {eventTypes.length > 0 ? (
            <ul aria-label="Event types" className="flex flex-wrap gap-2">
              {eventTypes.map((name) => (
                <li key={name} className="flex items-center gap-1 rounded-md border border-slate-200 bg-slate-50 py-1 pr-1 pl-3">
                  <code className="font-mono text-xs">{name}</code>
                  <Button variant="ghost" className="px-2 py-1" onClick={() => removeEventType(name)} aria-label={`Remove ${name}`}>
                    ×
                  </Button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-600">No event types yet.</p>
          )}
          <div className="flex items-start gap-2">
            <div className="w-72">
              <FormField label="New event type" error={newEventTypeError}>
                <Input
                  value={newEventType}
                  onChange={(event) => setNewEventType(event.target.value)}
                  onKeyDown={onNewEventTypeKeyDown}
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="task.created"
                  className="font-mono"
                />
              </FormField>
            </div>
            <Button variant="secondary" className="mt-6" onClick={addEventType}>
              Add event type
            </Button>
          </div>
          {eventTypesError && <p className="text-sm text-red-600">{eventTypesError}</p>}
        </fieldset>
        <TemplateField
          control={control}
          name="eventIdTemplate"
          label="Event ID"
          variables={variables}
          placeholder="{{headers.webhook-id}}"
          error={errorAt("eventIdTemplate")}
          hint="A second event with the same ID starts nothing (your API's retries). Empty, or when it finds nothing: a hash of the signed content (with Signature None, every event is new)."
        />
        <SetupWarnings field="eventIdTemplate" />
      </div>
    </Card>
  );
}
