"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useFieldArray, useForm, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import type { ResourceConfig } from "@/lib/resources/config";
import {
  apiKeysAuthorizationSchema,
  type ApiKeysAuthorizationInput,
  oauthAuthorizationSchema,
  type OAuthAuthorizationInput,
  type SavedSecrets,
} from "@/lib/resources/schema";
import { urlTemplateSetsHost } from "@/lib/resources/template";
import { AllowAnyHostField } from "./allow-any-host-field";
import { SecretField } from "./secret-field";
import { TemplateField } from "./template-field";
import { useUnsavedValues } from "./unsaved-values";
import { stepHref, useSaveStep, WizardActions } from "./wizard-form";

interface StepProps {
  projectId: string;
  resourceId: string;
  config: ResourceConfig;
  saved: SavedSecrets;
}

export function OAuthAuthorizationForm({ projectId, resourceId, config, saved }: StepProps) {
  const form = useForm<OAuthAuthorizationInput>({
    resolver: zodResolver(oauthAuthorizationSchema(saved)),
    defaultValues: useUnsavedValues("authorization", {
      accessTokenUrl: config.oauth?.accessTokenUrl ?? "",
      allowAnyHost: config.oauth?.allowAnyHost ?? false,
      clientId: config.oauth?.clientId ?? "",
      clientSecret: "",
      includeClientCredentials: config.oauth?.includeClientCredentials ?? true,
      requiredInputs: config.oauth?.requiredInputs ?? [],
    }),
  });
  const save = useSaveStep({ projectId, resourceId, step: "authorization", form });
  const { errors, isSubmitting } = form.formState;
  const inputs = useFieldArray({ control: form.control, name: "requiredInputs" });
  const inputKeys = useWatch({ control: form.control, name: "requiredInputs" })
    .map((input) => input.key.trim())
    .filter(Boolean);
  const accessTokenUrl = useWatch({ control: form.control, name: "accessTokenUrl" });
  const allowAnyHost = useWatch({ control: form.control, name: "allowAnyHost" }) ?? false;
  const advancedOpen = inputs.fields.length > 0 || !!errors.requiredInputs || !form.getValues("includeClientCredentials");

  return (
    <form onSubmit={form.handleSubmit(save)} className="space-y-6" noValidate>
      <FormMessage error={errors.root?.serverError?.message} />
      <TemplateField
        control={form.control}
        name="accessTokenUrl"
        label="Access Token URL"
        placeholder="https://api.example.com/oauth/token"
        variables={inputKeys.map((key) => `inputs.${key}`)}
        error={errors.accessTokenUrl?.message}
        hint="Where Switchboard refreshes or fetches access tokens. Type {{ to use a Required Input."
      />
      {urlTemplateSetsHost(accessTokenUrl) && (
        <AllowAnyHostField
          // Unregistered while hidden, so a host without a variable saves no tick; ticking it re-checks the URL.
          registration={form.register("allowAnyHost", { shouldUnregister: true, deps: ["accessTokenUrl"] })}
          checked={allowAnyHost}
          risk="your Client ID and Client Secret"
        />
      )}
      <FormField label="Client ID" error={errors.clientId?.message}>
        <Input autoComplete="off" spellCheck={false} {...form.register("clientId")} />
      </FormField>
      <SecretField
        label="Client Secret"
        isSet={saved.clientSecret}
        error={errors.clientSecret?.message}
        registration={form.register("clientSecret")}
      />

      <details open={advancedOpen} className="rounded-md border border-slate-200 p-4">
        <summary className="cursor-pointer text-sm font-semibold">Advanced Options</summary>
        <div className="mt-4 space-y-6">
          <fieldset className="space-y-3">
            <legend className="text-sm font-medium text-slate-800">Required Inputs</legend>
            <p className="text-xs text-slate-500">
              Values each Connected User supplies when connecting, such as a subdomain. Use them in the Access Token URL or API Base URL as{" "}
              {"{{inputs.key}}"}.
            </p>
            {inputs.fields.map((field, index) => (
              <div key={field.id} role="group" aria-label={`Required input ${index + 1}`} className="flex items-start gap-3">
                <div className="flex-1">
                  <FormField label="Key" error={errors.requiredInputs?.[index]?.key?.message}>
                    <Input
                      autoComplete="off"
                      spellCheck={false}
                      placeholder="subdomain"
                      {...form.register(`requiredInputs.${index}.key`)}
                    />
                  </FormField>
                </div>
                <div className="flex-1">
                  <FormField label="Label" error={errors.requiredInputs?.[index]?.label?.message}>
                    <Input autoComplete="off" placeholder="Subdomain" {...form.register(`requiredInputs.${index}.label`)} />
                  </FormField>
                </div>
                <Button
                  variant="ghost"
                  className="mt-6"
                  onClick={() => inputs.remove(index)}
                  aria-label={`Remove required input ${index + 1}`}
                >
                  Remove
                </Button>
              </div>
            ))}
            <Button variant="secondary" onClick={() => inputs.append({ key: "", label: "" })}>
              Add input
            </Button>
          </fieldset>
          <Checkbox
            label="Include Client ID and Secret"
            hint="On: sent in a Basic Authorization header of the token request. Off: sent as client_id and client_secret in the form body."
            {...form.register("includeClientCredentials")}
          />
        </div>
      </details>
      <WizardActions backHref={stepHref(projectId, resourceId, "api-info")} submitLabel="Continue" submitting={isSubmitting} />
    </form>
  );
}

export function ApiKeysAuthorizationForm({ projectId, resourceId, config }: StepProps) {
  const form = useForm<ApiKeysAuthorizationInput>({
    resolver: zodResolver(apiKeysAuthorizationSchema),
    defaultValues: useUnsavedValues("authorization", { apiKeys: config.apiKeys ?? [{ name: "", secret: true }] }),
  });
  const save = useSaveStep({ projectId, resourceId, step: "authorization", form });
  const { errors, isSubmitting } = form.formState;
  const keys = useFieldArray({ control: form.control, name: "apiKeys" });

  return (
    <form onSubmit={form.handleSubmit(save)} className="space-y-6" noValidate>
      <FormMessage error={errors.root?.serverError?.message ?? errors.apiKeys?.root?.message ?? errors.apiKeys?.message} />
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-slate-800">API Key names</legend>
        <p className="text-xs text-slate-500">
          The values each Connected User supplies, e.g. <code>api_key</code>, or <code>username</code> and <code>password</code>.
        </p>
        {keys.fields.map((field, index) => (
          <div key={field.id} role="group" aria-label={`API key ${index + 1}`} className="flex items-start gap-3">
            <div className="flex-1">
              <FormField label="Name" error={errors.apiKeys?.[index]?.name?.message}>
                <Input autoComplete="off" spellCheck={false} placeholder="api_key" {...form.register(`apiKeys.${index}.name`)} />
              </FormField>
            </div>
            <div className="mt-7">
              <Checkbox label="Secret" {...form.register(`apiKeys.${index}.secret`)} />
            </div>
            <Button variant="ghost" className="mt-6" onClick={() => keys.remove(index)} aria-label={`Remove API key ${index + 1}`}>
              Remove
            </Button>
          </div>
        ))}
        <Button variant="secondary" onClick={() => keys.append({ name: "", secret: true })}>
          Add API key
        </Button>
      </fieldset>
      <WizardActions backHref={stepHref(projectId, resourceId, "api-info")} submitLabel="Continue" submitting={isSubmitting} />
    </form>
  );
}
