"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useFieldArray, useForm, type UseFormReturn, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { CopyButton } from "@/components/ui/copy-button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import type { ResourceConfig } from "@/lib/resources/config";
import {
  apiKeysAuthorizationSchema,
  type ApiKeysAuthorizationInput,
  type GrantType,
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

/** The Redirect URL an Authorization Code resource registers at its API, or why it cannot be shown. */
export interface RedirectUrlView {
  redirectUrl: string;
  problem: string | null;
}

export function OAuthAuthorizationForm({
  projectId,
  resourceId,
  config,
  saved,
  grantType,
  redirect,
}: StepProps & { grantType: GrantType | null; redirect: RedirectUrlView }) {
  const authorizationCode = grantType === "authorization_code";
  const form = useForm<OAuthAuthorizationInput>({
    resolver: zodResolver(oauthAuthorizationSchema(saved, grantType)),
    defaultValues: useUnsavedValues("authorization", {
      accessTokenUrl: config.oauth?.accessTokenUrl ?? "",
      allowAnyHost: config.oauth?.allowAnyHost ?? false,
      clientId: config.oauth?.clientId ?? "",
      clientSecret: "",
      includeClientCredentials: config.oauth?.includeClientCredentials ?? true,
      requiredInputs: config.oauth?.requiredInputs ?? [],
      authorization: authorizationCode
        ? (config.oauth?.authorization ?? { authorizationUrl: "", scopes: "", usePkce: true, parameters: [] })
        : undefined,
    }),
  });
  const save = useSaveStep({ projectId, resourceId, step: "authorization", form });
  const { errors, isSubmitting } = form.formState;
  const inputs = useFieldArray({ control: form.control, name: "requiredInputs" });
  const inputKeys = useWatch({ control: form.control, name: "requiredInputs" })
    .map((input) => input.key.trim())
    .filter(Boolean);
  const accessTokenUrl = useWatch({ control: form.control, name: "accessTokenUrl" });
  const authorizationUrl = useWatch({ control: form.control, name: "authorization.authorizationUrl" }) ?? "";
  const allowAnyHost = useWatch({ control: form.control, name: "allowAnyHost" }) ?? false;
  const inputVariables = inputKeys.map((key) => `inputs.${key}`);
  const advancedOpen = inputs.fields.length > 0 || !!errors.requiredInputs || !form.getValues("includeClientCredentials");

  return (
    <form onSubmit={form.handleSubmit(save)} className="space-y-6" noValidate>
      <FormMessage error={errors.root?.serverError?.message} />
      {authorizationCode && (
        <TemplateField
          control={form.control}
          name="authorization.authorizationUrl"
          label="Authorization URL"
          placeholder="https://api.example.com/oauth/authorize"
          variables={inputVariables}
          error={errors.authorization?.authorizationUrl?.message}
          hint="Where the Connect Portal sends end users to sign in and authorize. Type {{ to use a Required Input."
        />
      )}
      <TemplateField
        control={form.control}
        name="accessTokenUrl"
        label="Access Token URL"
        placeholder="https://api.example.com/oauth/token"
        variables={inputVariables}
        error={errors.accessTokenUrl?.message}
        hint={
          authorizationCode
            ? "Where Switchboard exchanges the authorization code for tokens and refreshes them. Type {{ to use a Required Input."
            : "Where Switchboard refreshes or fetches access tokens. Type {{ to use a Required Input."
        }
      />
      {(urlTemplateSetsHost(accessTokenUrl) || (authorizationCode && urlTemplateSetsHost(authorizationUrl))) && (
        <AllowAnyHostField
          // Unregistered while hidden, so a host without a variable saves no tick; ticking it re-checks the URLs.
          registration={form.register("allowAnyHost", {
            shouldUnregister: true,
            deps: authorizationCode ? ["accessTokenUrl", "authorization.authorizationUrl"] : ["accessTokenUrl"],
          })}
          checked={allowAnyHost}
          risk={authorizationCode ? "your Client ID and Client Secret, and end users signing in," : "your Client ID and Client Secret"}
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

      {authorizationCode && <AuthorizationCodeFields form={form} inputVariables={inputVariables} redirect={redirect} />}

      <details open={advancedOpen} className="rounded-md border border-slate-200 p-4">
        <summary className="cursor-pointer text-sm font-semibold">Advanced Options</summary>
        <div className="mt-4 space-y-6">
          <fieldset className="space-y-3">
            <legend className="text-sm font-medium text-slate-800">Required Inputs</legend>
            <p className="text-xs text-slate-500">
              Values each Connected User supplies when connecting, such as a subdomain. Use them in the{" "}
              {authorizationCode ? "Authorization URL, " : ""}Access Token URL or API Base URL as {"{{inputs.key}}"}.
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

/**
 * The Authorization Code grant's own fields. A component of their own so that their field array is
 * registered only for that grant: registered for another, it sent an `authorization` object the
 * server refuses for that grant, on a field the form does not show.
 */
function AuthorizationCodeFields({
  form,
  inputVariables,
  redirect,
}: {
  form: UseFormReturn<OAuthAuthorizationInput>;
  inputVariables: string[];
  redirect: RedirectUrlView;
}) {
  const { errors } = form.formState;
  const parameters = useFieldArray({ control: form.control, name: "authorization.parameters" });
  return (
    <>
      <FormField
        label="Scopes"
        error={errors.authorization?.scopes?.message}
        hint="Optional. Separated by spaces, e.g. tasks:read tasks:write; sent as scope."
      >
        <Input autoComplete="off" spellCheck={false} placeholder="tasks:read tasks:write" {...form.register("authorization.scopes")} />
      </FormField>
      <Checkbox
        label="Use PKCE"
        hint="Sends an S256 code challenge, and its verifier with the code. Leave it on unless your API refuses it."
        {...form.register("authorization.usePkce")}
      />
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-slate-800">Additional authorization parameters</legend>
        <p className="text-xs text-slate-500">
          Added to the Authorization URL&apos;s query, e.g. prompt=consent or access_type=offline. Values may use Required Inputs as{" "}
          {"{{inputs.key}}"}.
        </p>
        {errors.authorization?.parameters?.message && <p className="text-sm text-red-600">{errors.authorization.parameters.message}</p>}
        {parameters.fields.map((field, index) => (
          <div key={field.id} role="group" aria-label={`Authorization parameter ${index + 1}`} className="flex items-start gap-3">
            <div className="w-56">
              <FormField label="Name" error={errors.authorization?.parameters?.[index]?.name?.message}>
                <Input
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="prompt"
                  {...form.register(`authorization.parameters.${index}.name`)}
                />
              </FormField>
            </div>
            <div className="flex-1">
              <TemplateField
                control={form.control}
                name={`authorization.parameters.${index}.value`}
                label="Value"
                placeholder="consent"
                variables={inputVariables}
                error={errors.authorization?.parameters?.[index]?.value?.message}
              />
            </div>
            <Button
              variant="ghost"
              className="mt-6"
              onClick={() => parameters.remove(index)}
              aria-label={`Remove authorization parameter ${index + 1}`}
            >
              Remove
            </Button>
          </div>
        ))}
        <Button variant="secondary" onClick={() => parameters.append({ name: "", value: "" })}>
          Add parameter
        </Button>
      </fieldset>
      <div className="space-y-1">
        <FormField
          label="Redirect URL"
          hint={redirect.problem ?? "Register this URL at your API as the OAuth client's redirect (callback) URL."}
        >
          <Input readOnly spellCheck={false} value={redirect.redirectUrl} className="font-mono" />
        </FormField>
        {!redirect.problem && <CopyButton value={redirect.redirectUrl} label="Copy Redirect URL" />}
      </div>
    </>
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
