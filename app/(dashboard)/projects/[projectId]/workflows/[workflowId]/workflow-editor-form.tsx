"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { get, type Resolver, useForm, useWatch } from "react-hook-form";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { CopyButton } from "@/components/ui/copy-button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { TestSummary, type WorkflowTestView } from "@/components/workflows/step-result";
import {
  type EditorVariableContext,
  editorStepVariables,
  type EditorTrigger,
  parseSampleTriggerLeniently,
  prefilledSampleText,
  sampleTriggerPlaceholder,
  sampleTriggerShape,
  type WorkflowEditorInput,
  workflowEditorSchema,
} from "@/lib/workflows/editor-schema";
import { resourceTriggersLabel, TRIGGER_KIND_LABELS } from "@/lib/workflows/definition";
import { addStepMenu } from "@/lib/workflows/steps";
import { inferToolInputSchema, inputSchemaText } from "@/lib/workflows/workflow-tool";
import { toolNameFrom } from "@/lib/tools/names";
import { deployWorkflow, saveWorkflow, testWorkflow } from "../actions";
import { StepList, type StepTreeContext } from "./step-fields";

type Busy = "save" | "test" | "deploy";
type TriggerKind = EditorTrigger["kind"];
type EditorTool = NonNullable<Extract<EditorTrigger, { kind: "request" }>["tool"]>;
/** The Trigger select's choices: a kind, or "resource_event:<resourceId>" for "<Name> Triggers". */
type TriggerChoice = Exclude<TriggerKind, "resource_event"> | `resource_event:${string}`;

/** The kinds chosen by themselves; Resource Triggers are chosen per resource. */
const TRIGGER_KINDS = (Object.keys(TRIGGER_KIND_LABELS) as TriggerKind[]).filter(
  (kind): kind is Exclude<TriggerKind, "resource_event"> => kind !== "resource_event",
);
const RESOURCE_EVENT_PREFIX = "resource_event:";

function triggerChoice(trigger: EditorTrigger | null): TriggerChoice | "" {
  if (!trigger) return "";
  return trigger.kind === "resource_event" ? `resource_event:${trigger.resourceId}` : trigger.kind;
}

const textareaClassName =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 shadow-xs placeholder:text-slate-400 focus:border-indigo-500 focus:outline-2 focus:outline-indigo-200 aria-invalid:border-red-500";

const descriptionClassName = textareaClassName.replace("font-mono text-xs", "text-sm");

function defaultTrigger(choice: TriggerChoice): EditorTrigger {
  if (choice.startsWith(RESOURCE_EVENT_PREFIX)) {
    return { kind: "resource_event", resourceId: choice.slice(RESOURCE_EVENT_PREFIX.length), eventType: "" };
  }
  const kind = choice as Exclude<TriggerKind, "resource_event">;
  switch (kind) {
    case "app_event":
      return { kind, eventName: "" };
    case "request":
      return { kind };
    case "scheduler":
      return { kind, cron: "", timeZone: "UTC" };
  }
}

/**
 * The workflow editor: one form (the same schema as the save action) for the name, trigger,
 * Sample trigger input and steps. Save, Test and Deploy all save first; Test shows each step inline.
 */
export function WorkflowEditorForm({
  projectId,
  workflowId,
  values,
  resources,
  triggerResources,
  variableContext,
  requestRunUrl,
}: {
  projectId: string;
  workflowId: string;
  values: WorkflowEditorInput;
  resources: readonly { id: string; name: string; level: "user" | "app" }[];
  /** Published resources with webhook settings: "<Name> Triggers" and their Event types. */
  triggerResources: readonly { id: string; name: string; eventTypes: readonly string[]; hasSample: boolean }[];
  variableContext: EditorVariableContext;
  requestRunUrl: string;
}) {
  const router = useRouter();
  const form = useForm<WorkflowEditorInput>({
    // Typed as the form's own values: the actions are sent those (getValues, the sample as
    // text), never the parsed output handleSubmit would pass, and validate them with this schema.
    resolver: zodResolver(workflowEditorSchema) as unknown as Resolver<WorkflowEditorInput>,
    defaultValues: values,
  });
  const { control, register } = form;
  const { errors } = form.formState;
  const current = useWatch({ control }) as WorkflowEditorInput;
  const stepVariables = editorStepVariables(current, variableContext);
  const trigger = current.trigger ?? null;
  // Switching the trigger back and forth keeps what was typed for each kind (and each resource's triggers).
  const triggersByChoice = useRef<Partial<Record<TriggerChoice, EditorTrigger>>>(
    values.trigger ? { [triggerChoice(values.trigger)]: values.trigger } : {},
  );
  const triggerResource =
    trigger?.kind === "resource_event" ? triggerResources.find((resource) => resource.id === trigger.resourceId) : undefined;
  const [busy, setBusy] = useState<Busy>();
  const [success, setSuccess] = useState<string>();
  const [testResult, setTestResult] = useState<WorkflowTestView>();
  const errorAt = (path: string): string | undefined => (get(errors, path) as { message?: string } | undefined)?.message;
  // The shape the Sample trigger input was last pre-filled with: while it still holds it, choosing another trigger re-fills it.
  const [prefilledShape, setPrefilledShape] = useState(() => sampleTriggerShape(values.trigger, variableContext.triggerResources));

  function prefillSample() {
    const chosen = form.getValues("trigger");
    const text = form.getValues("sampleTrigger") ?? "";
    const next = prefilledSampleText(text, prefilledShape, chosen, variableContext.triggerResources);
    setPrefilledShape(sampleTriggerShape(chosen, variableContext.triggerResources));
    if (next !== text) form.setValue("sampleTrigger", next, { shouldDirty: true });
  }

  // Unchecking Expose as a tool keeps what was typed, should it be checked again.
  const lastTool = useRef<EditorTool | undefined>(values.trigger?.kind === "request" ? values.trigger.tool : undefined);

  function exposeAsTool(expose: boolean) {
    const chosen = form.getValues("trigger");
    if (chosen?.kind !== "request") return;
    if (!expose) {
      lastTool.current = chosen.tool;
      form.clearErrors("trigger.tool");
      form.setValue("trigger", { kind: "request" }, { shouldDirty: true });
      return;
    }
    // First exposed: named after the workflow, the input schema inferred from the Sample trigger input's body.
    const tool = lastTool.current ?? {
      name: toolNameFrom(form.getValues("name") || "workflow", "", ""),
      description: "",
      inputSchema: inputSchemaText(inferToolInputSchema(parseSampleTriggerLeniently(form.getValues("sampleTrigger") ?? ""))),
    };
    form.setValue("trigger", { kind: "request", tool }, { shouldDirty: true });
  }

  function chooseTrigger(value: string) {
    const previous = form.getValues("trigger");
    if (previous) triggersByChoice.current[triggerChoice(previous) as TriggerChoice] = previous;
    const known =
      TRIGGER_KINDS.includes(value as Exclude<TriggerKind, "resource_event">) ||
      triggerResources.some((resource) => value === `${RESOURCE_EVENT_PREFIX}${resource.id}`) ||
      (previous !== null && value === triggerChoice(previous));
    const choice = value as TriggerChoice;
    const next = known ? (triggersByChoice.current[choice] ?? defaultTrigger(choice)) : null;
    form.clearErrors("trigger");
    form.setValue("trigger", next, { shouldDirty: true });
    prefillSample();
  }

  const perform = (kind: Busy) =>
    form.handleSubmit(async () => {
      setBusy(kind);
      setSuccess(undefined);
      if (kind === "test") setTestResult(undefined);
      try {
        // The action validates the form's own values (the sample as text) with the same schema.
        const input = { projectId, workflowId, values: form.getValues() };
        if (kind === "save") {
          const result = await saveWorkflow(input);
          if (!result.ok) return applyActionErrors(form, result);
          setSuccess("Saved.");
        } else if (kind === "test") {
          const result = await testWorkflow(input);
          if (!result.ok) return applyActionErrors(form, result);
          setTestResult(result.data);
        } else {
          const result = await deployWorkflow(input);
          if (!result.ok) return applyActionErrors(form, result);
          setSuccess(`Deployed v${result.data.version}.`);
        }
        router.refresh();
      } finally {
        setBusy(undefined);
      }
    });

  const stepTree: StepTreeContext = {
    control,
    register,
    errorAt,
    values: current,
    topLevelSteps: () => form.getValues("steps"),
    menu: addStepMenu(resources),
    resourceName: (resourceId) => resources.find((resource) => resource.id === resourceId)?.name,
    variables: stepVariables,
    testResults: testResult?.steps,
  };

  return (
    <form onSubmit={perform("save")} className="space-y-8" noValidate>
      <FormMessage error={errors.root?.serverError?.message} />

      <FormField label="Name" error={errors.name?.message}>
        <Input autoComplete="off" {...register("name")} />
      </FormField>

      {/* No accessible name: "Trigger" labels the select. */}
      <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-6">
        <h2 className="text-base font-semibold">Trigger</h2>
        <FormField label="Trigger" error={errorAt("trigger")} hint="What starts a run. A run uses the deployed version.">
          <Select value={triggerChoice(trigger)} onChange={(event) => chooseTrigger(event.target.value)}>
            <option value="">Choose a trigger…</option>
            {TRIGGER_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {TRIGGER_KIND_LABELS[kind]}
              </option>
            ))}
            {triggerResources.map((resource) => (
              <option key={resource.id} value={`${RESOURCE_EVENT_PREFIX}${resource.id}`}>
                {resourceTriggersLabel(resource.name)}
              </option>
            ))}
            {trigger?.kind === "resource_event" && !triggerResource && (
              <option value={triggerChoice(trigger)}>{TRIGGER_KIND_LABELS.resource_event} (resource unavailable)</option>
            )}
          </Select>
        </FormField>
        {trigger?.kind === "resource_event" && (
          <FormField
            label="Event type"
            error={errorAt("trigger.eventType") ?? errorAt("trigger.resourceId")}
            hint={
              triggerResource ? (
                <>
                  An event of this type received on {triggerResource.name}&apos;s webhook URL starts a run, for the Connected User it
                  matches (App-Level: once per event). Event types are listed on its{" "}
                  <Link href={`/projects/${projectId}/resources/${triggerResource.id}/webhooks`} className="text-indigo-700 underline">
                    Webhooks
                  </Link>{" "}
                  tab.
                </>
              ) : undefined
            }
          >
            <Select {...register("trigger.eventType", { onChange: prefillSample })}>
              <option value="">Choose an event type…</option>
              {(triggerResource?.eventTypes ?? []).map((eventType) => (
                <option key={eventType} value={eventType}>
                  {eventType}
                </option>
              ))}
              {trigger.eventType && !triggerResource?.eventTypes.includes(trigger.eventType) && (
                <option value={trigger.eventType}>{trigger.eventType} (not listed)</option>
              )}
            </Select>
          </FormField>
        )}
        {trigger?.kind === "app_event" && (
          <FormField
            label="Event name"
            error={errorAt("trigger.eventName")}
            hint={
              <>
                Your backend sends <code className="font-mono">{'POST /projects/{projectId}/sdk/events { "name", "payload" }'}</code> with
                this name, for a Connected User; the payload becomes <code className="font-mono">trigger.payload</code>.
              </>
            }
          >
            <Input
              autoComplete="off"
              spellCheck={false}
              placeholder="task.sync"
              className="font-mono"
              {...register("trigger.eventName", { onChange: prefillSample })}
            />
          </FormField>
        )}
        {trigger?.kind === "request" && (
          <div className="space-y-1">
            <p className="text-sm font-medium text-slate-800">Run URL</p>
            <div className="flex items-center gap-2">
              <code data-testid="request-run-url" className="min-w-0 flex-1 truncate rounded-md bg-slate-100 px-3 py-2 font-mono text-xs">
                POST {requestRunUrl}
              </code>
              <CopyButton value={requestRunUrl} label="Copy run URL" />
            </div>
            <p className="text-xs text-slate-500">
              Send a JSON body with a Secret Key and X-Switchboard-User, or a User Token; the body becomes{" "}
              <code className="font-mono">trigger.body</code>. Answers 202 with the run ID, or with{" "}
              <code className="font-mono">?wait=true</code> the last step&apos;s output within 30 s.
            </p>
          </div>
        )}
        {trigger?.kind === "request" && (
          <div className="space-y-4 rounded-md border border-slate-200 p-4" data-testid="expose-as-tool">
            <Checkbox
              label="Expose as a tool"
              hint="AI agents acting for a Connected User (MCP, the Tools API) may call this workflow as a tool once it is deployed: a call is a run with trigger Tool call, answered with its Response step's answer (else its last step's output) within 30 s."
              checked={trigger.tool !== undefined}
              onChange={(event) => exposeAsTool(event.currentTarget.checked)}
            />
            {trigger.tool !== undefined && (
              <>
                <FormField
                  label="Tool name"
                  error={errorAt("trigger.tool.name")}
                  hint="What an agent calls it by: lowercase letters, digits and underscores, unique among the project's tools."
                >
                  <Input
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="create_task"
                    className="font-mono"
                    {...register("trigger.tool.name")}
                  />
                </FormField>
                <FormField
                  label="Description"
                  error={errorAt("trigger.tool.description")}
                  hint="What the tool does and when to use it: the agent reads it to choose the tool."
                >
                  <textarea rows={3} className={descriptionClassName} {...register("trigger.tool.description")} />
                </FormField>
                <FormField
                  label="Input schema"
                  error={errorAt("trigger.tool.inputSchema")}
                  hint={
                    <>
                      A JSON Schema of an object: the tool&apos;s arguments, checked before each call, which become{" "}
                      <code className="font-mono">trigger.body</code>. Pre-filled from the Sample trigger input&apos;s body.
                    </>
                  }
                >
                  <textarea rows={8} spellCheck={false} className={textareaClassName} {...register("trigger.tool.inputSchema")} />
                </FormField>
              </>
            )}
          </div>
        )}
        {trigger?.kind === "scheduler" && (
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField
              label="Cron expression"
              error={errorAt("trigger.cron")}
              hint="Five fields: minute hour day-of-month month day-of-week. One run per Connected User who has the workflow enabled."
            >
              <Input autoComplete="off" spellCheck={false} placeholder="0 9 * * 1-5" className="font-mono" {...register("trigger.cron")} />
            </FormField>
            <FormField label="Time zone" error={errorAt("trigger.timeZone")} hint="An IANA time zone, e.g. Europe/Berlin or UTC.">
              <Input autoComplete="off" spellCheck={false} placeholder="UTC" {...register("trigger.timeZone")} />
            </FormField>
          </div>
        )}
        {triggerResource?.hasSample ? (
          <div className="space-y-1" data-testid="resource-trigger-sample">
            <p className="text-sm font-medium text-slate-800">Sample event</p>
            <p className="text-sm text-slate-600">
              The event kept with Use as sample on {triggerResource.name}&apos;s{" "}
              <Link href={`/projects/${projectId}/resources/${triggerResource.id}/webhooks`} className="text-indigo-700 underline">
                Webhooks
              </Link>{" "}
              tab: the variable menu lists its trigger.type, trigger.payload.* and trigger.headers.*, and Test runs with it.
            </p>
            {errors.sampleTrigger?.message && <p className="text-sm text-red-600">{errors.sampleTrigger.message}</p>}
          </div>
        ) : (
          <FormField
            label="Sample trigger input"
            error={errors.sampleTrigger?.message}
            hint={
              trigger?.kind === "resource_event" && triggerResource ? (
                <>
                  JSON with type, payload and headers. Or listen for a test event on {triggerResource.name}&apos;s{" "}
                  <Link href={`/projects/${projectId}/resources/${triggerResource.id}/webhooks`} className="text-indigo-700 underline">
                    Webhooks
                  </Link>{" "}
                  tab and use it as the sample.
                </>
              ) : (
                "JSON: the trigger's whole input (trigger.*), filled with its shape when you choose a trigger. Test runs with it and the variable menu lists its fields."
              )
            }
          >
            <textarea
              rows={5}
              spellCheck={false}
              placeholder={sampleTriggerPlaceholder(trigger?.kind)}
              className={textareaClassName}
              {...register("sampleTrigger")}
            />
          </FormField>
        )}
      </section>

      <section aria-labelledby="workflow-steps-heading" className="space-y-4">
        <div>
          <h2 id="workflow-steps-heading" className="text-base font-semibold">
            Steps
          </h2>
          <p className="text-sm text-slate-600">Run in order. A step&apos;s outputs are variables of the steps after it.</p>
        </div>
        {errorAt("steps") && <p className="text-sm text-red-600">{errorAt("steps")}</p>}
        <StepList
          context={stepTree}
          name="steps"
          inFanOut={false}
          empty={
            <p className="rounded-md border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-600">
              No steps yet. Add a request to one of your resources, a condition, a delay or a Fan Out.
            </p>
          }
        >
          {resources.length === 0 && <p className="text-sm text-slate-600">Publish a resource to add its Request steps.</p>}
        </StepList>
      </section>

      <div className="space-y-4 border-t border-slate-200 pt-4">
        <FormMessage success={success} />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={busy !== undefined}>
            {busy === "save" ? "Saving…" : "Save"}
          </Button>
          <Button variant="secondary" onClick={perform("test")} disabled={busy !== undefined}>
            {busy === "test" ? "Testing…" : "Test"}
          </Button>
          <Button variant="secondary" onClick={perform("deploy")} disabled={busy !== undefined}>
            {busy === "deploy" ? "Deploying…" : "Deploy"}
          </Button>
          <p className="text-xs text-slate-500">
            Test runs the saved draft on each resource&apos;s test connection; Deploy makes it the version new runs use.
          </p>
        </div>
        {testResult && <TestSummary status={testResult.status} />}
      </div>
    </form>
  );
}
