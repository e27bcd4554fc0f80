"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useFieldArray, useForm, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { RadioGroup } from "@/components/ui/radio-group";
import { Select } from "@/components/ui/select";
import type { ResourceConfig } from "@/lib/resources/config";
import { previewRequest } from "@/lib/resources/preview";
import {
  type ApiAuthentication,
  type RequestDetailsContext,
  type RequestDetailsInput,
  requestDetailsShape,
  requestDetailsStepSchema,
  VALIDATION_REQUEST_METHODS,
  validationRequestAllowed,
} from "@/lib/resources/schema";
import { urlTemplateSetsHost } from "@/lib/resources/template";
import { secretVariables, variablesFor } from "@/lib/resources/variables";
import { previousStep } from "@/lib/resources/wizard";
import { AllowAnyHostField } from "./allow-any-host-field";
import { SecretField } from "./secret-field";
import { TemplateField } from "./template-field";
import { useUnsavedValues } from "./unsaved-values";
import { stepHref, useSaveStep, WizardActions } from "./wizard-form";

const PRESET_LABELS: Record<ApiAuthentication["preset"], string> = {
  bearer: "Bearer Token",
  basic: "Basic Auth",
  header: "Header",
  query: "Query Parameter",
  none: "None",
};

function defaultAuthentication(context: RequestDetailsContext, apiKeyNames: readonly string[]): ApiAuthentication {
  const blank = { token: "", username: "", password: "", name: "", value: "", custom: [] };
  if (context.authType === "oauth2") return { ...blank, preset: "bearer", token: "{{credentials.access_token}}" };
  if (apiKeyNames.includes("username") && apiKeyNames.includes("password")) {
    return { ...blank, preset: "basic", username: "{{credentials.username}}", password: "{{credentials.password}}" };
  }
  return { ...blank, preset: "bearer", token: apiKeyNames[0] ? `{{credentials.${apiKeyNames[0]}}}` : "" };
}

function defaultValues(context: RequestDetailsContext, config: ResourceConfig): RequestDetailsInput {
  const appLevel = context.level === "app";
  const appApiKeys =
    appLevel && context.authType === "api_keys"
      ? (config.apiKeys ?? [{ name: "api_key", secret: true }]).map((key) => ({ ...key, value: "" }))
      : undefined;
  const apiKeyNames = (appApiKeys ?? context.apiKeys).map((key) => key.name);
  return {
    baseUrl: config.request?.baseUrl ?? "",
    allowAnyHost: config.request?.allowAnyHost ?? false,
    authentication: config.request?.authentication ?? defaultAuthentication(context, apiKeyNames),
    userProfile: {
      jwksUrl: "",
      ...(config.request?.userProfile ?? { source: "none", method: "GET", path: "", fields: "", claimPath: "" }),
    },
    validationRequest: validationRequestAllowed(context) ? (config.request?.validationRequest ?? { method: "GET", path: "" }) : undefined,
    appOAuth:
      appLevel && context.authType === "oauth2"
        ? {
            accessTokenUrl: config.oauth?.accessTokenUrl ?? "",
            clientId: config.oauth?.clientId ?? "",
            clientSecret: "",
            includeClientCredentials: config.oauth?.includeClientCredentials ?? true,
            refreshToken: "",
          }
        : undefined,
    appApiKeys,
  };
}

export function RequestDetailsStepForm({
  projectId,
  resourceId,
  context,
  config,
}: {
  projectId: string;
  resourceId: string;
  context: RequestDetailsContext;
  config: ResourceConfig;
}) {
  const form = useForm<RequestDetailsInput>({
    resolver: zodResolver(requestDetailsStepSchema(context)),
    defaultValues: useUnsavedValues("request-details", defaultValues(context, config)),
  });
  const save = useSaveStep({ projectId, resourceId, step: "request-details", form });
  const { errors, isSubmitting } = form.formState;
  const { control, register } = form;
  const values = useWatch({ control }) as RequestDetailsInput;
  const shape = requestDetailsShape(context, values);
  const authVariables = variablesFor("authentication", shape);
  const appLevel = context.level === "app";
  const custom = useFieldArray({ control, name: "authentication.custom" });
  const appKeys = useFieldArray({ control, name: "appApiKeys" });
  const auth = values.authentication;
  const preview = previewRequest({
    baseUrl: values.baseUrl,
    authentication: auth,
    secrets: secretVariables(shape),
    method: values.userProfile.source === "request" ? values.userProfile.method : "GET",
    path: values.userProfile.source === "request" ? values.userProfile.path : "",
  });

  return (
    <form onSubmit={form.handleSubmit(save)} className="space-y-6" noValidate>
      <FormMessage error={errors.root?.serverError?.message} />

      {appLevel && (
        <Card title="App credentials" description="The one set of credentials used for every Connected User. Stored encrypted.">
          {context.authType === "oauth2" ? (
            <div className="space-y-4">
              <TemplateField
                control={control}
                name="appOAuth.accessTokenUrl"
                label="Access Token URL"
                variables={[]}
                placeholder="https://api.example.com/oauth/token"
                error={errors.appOAuth?.accessTokenUrl?.message}
              />
              <FormField label="Client ID" error={errors.appOAuth?.clientId?.message}>
                <Input autoComplete="off" spellCheck={false} {...register("appOAuth.clientId")} />
              </FormField>
              <SecretField
                label="Client Secret"
                isSet={context.saved.clientSecret}
                error={errors.appOAuth?.clientSecret?.message}
                registration={register("appOAuth.clientSecret")}
              />
              {context.grantType === "refresh_token" && (
                <SecretField
                  label="Refresh Token"
                  isSet={context.saved.credentials.includes("refresh_token")}
                  error={errors.appOAuth?.refreshToken?.message}
                  registration={register("appOAuth.refreshToken")}
                />
              )}
              <Checkbox
                label="Include Client ID and Secret"
                hint="On: sent in a Basic Authorization header of the token request. Off: sent as client_id and client_secret in the form body."
                {...register("appOAuth.includeClientCredentials")}
              />
            </div>
          ) : (
            <fieldset className="space-y-3">
              <legend className="text-sm font-medium text-slate-800">API Keys</legend>
              {errors.appApiKeys?.message && <p className="text-sm text-red-600">{errors.appApiKeys.message}</p>}
              {appKeys.fields.map((field, index) => {
                const name = values.appApiKeys?.[index]?.name ?? "";
                return (
                  <div key={field.id} role="group" aria-label={`API key ${index + 1}`} className="flex items-start gap-3">
                    <div className="w-48">
                      <FormField label="Name" error={errors.appApiKeys?.[index]?.name?.message}>
                        <Input autoComplete="off" spellCheck={false} {...register(`appApiKeys.${index}.name`)} />
                      </FormField>
                    </div>
                    <div className="flex-1">
                      <SecretField
                        label="Value"
                        isSet={context.saved.credentials.includes(name)}
                        error={errors.appApiKeys?.[index]?.value?.message}
                        registration={register(`appApiKeys.${index}.value`)}
                      />
                    </div>
                    <div className="mt-7">
                      <Checkbox label="Secret" {...register(`appApiKeys.${index}.secret`)} />
                    </div>
                    <Button
                      variant="ghost"
                      className="mt-6"
                      onClick={() => appKeys.remove(index)}
                      aria-label={`Remove API key ${index + 1}`}
                    >
                      Remove
                    </Button>
                  </div>
                );
              })}
              <Button variant="secondary" onClick={() => appKeys.append({ name: "", secret: true, value: "" })}>
                Add API key
              </Button>
            </fieldset>
          )}
        </Card>
      )}

      <TemplateField
        control={control}
        name="baseUrl"
        label="API Base URL"
        placeholder="https://api.example.com/v1"
        variables={variablesFor("baseUrl", shape)}
        error={errors.baseUrl?.message}
      />
      {/* App-Level values are the team's own, so any host is theirs to choose. */}
      {!appLevel && urlTemplateSetsHost(values.baseUrl) && (
        <AllowAnyHostField
          registration={register("allowAnyHost", { shouldUnregister: true, deps: ["baseUrl"] })}
          checked={values.allowAnyHost ?? false}
          risk="your API requests, with their credentials,"
        />
      )}

      <section className="space-y-4">
        <FormField
          label="API Authentication"
          error={errors.authentication?.preset?.message}
          hint="How credentials are applied to every request."
        >
          <Select {...register("authentication.preset")}>
            {Object.entries(PRESET_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </FormField>
        {auth.preset === "bearer" && (
          <TemplateField
            control={control}
            name="authentication.token"
            label="Token"
            variables={authVariables}
            error={errors.authentication?.token?.message}
          />
        )}
        {auth.preset === "basic" && (
          <div className="grid gap-4 sm:grid-cols-2">
            <TemplateField
              control={control}
              name="authentication.username"
              label="Username"
              variables={authVariables}
              error={errors.authentication?.username?.message}
            />
            <TemplateField
              control={control}
              name="authentication.password"
              label="Password"
              variables={authVariables}
              error={errors.authentication?.password?.message}
            />
          </div>
        )}
        {(auth.preset === "header" || auth.preset === "query") && (
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label={auth.preset === "header" ? "Header name" : "Parameter name"} error={errors.authentication?.name?.message}>
              <Input autoComplete="off" spellCheck={false} {...register("authentication.name")} />
            </FormField>
            <TemplateField
              control={control}
              name="authentication.value"
              label={auth.preset === "header" ? "Header value" : "Parameter value"}
              variables={authVariables}
              error={errors.authentication?.value?.message}
            />
          </div>
        )}
        {custom.fields.map((field, index) => {
          const location = values.authentication.custom[index]?.location ?? field.location;
          const kind = location === "header" ? "header" : "query parameter";
          return (
            <div key={field.id} role="group" aria-label={`Custom ${kind} ${index + 1}`} className="flex items-start gap-3">
              <div className="w-56">
                <FormField
                  label={location === "header" ? "Header name" : "Parameter name"}
                  error={errors.authentication?.custom?.[index]?.name?.message}
                >
                  <Input autoComplete="off" spellCheck={false} {...register(`authentication.custom.${index}.name`)} />
                </FormField>
              </div>
              <div className="flex-1">
                <TemplateField
                  control={control}
                  name={`authentication.custom.${index}.value`}
                  label={location === "header" ? "Header value" : "Parameter value"}
                  variables={authVariables}
                  error={errors.authentication?.custom?.[index]?.value?.message}
                />
              </div>
              <Button
                variant="ghost"
                className="mt-6"
                onClick={() => custom.remove(index)}
                aria-label={`Remove custom ${kind} ${index + 1}`}
              >
                Remove
              </Button>
            </div>
          );
        })}
        <div className="flex gap-2">
          <Button variant="secondary" onClick={() => custom.append({ location: "header", name: "", value: "" })}>
            Add header
          </Button>
          <Button variant="secondary" onClick={() => custom.append({ location: "query", name: "", value: "" })}>
            Add query parameter
          </Button>
        </div>
      </section>

      {!appLevel && (
        <section className="space-y-4 rounded-md border border-slate-200 p-4">
          <RadioGroup
            legend="User Profile"
            error={errors.userProfile?.source?.message}
            inputProps={register("userProfile.source")}
            options={[
              { value: "none", label: "None", description: "Keep no profile." },
              { value: "request", label: "Request", description: "Call your API once at first connect and keep fields of its JSON." },
              ...(context.authType === "oauth2"
                ? [{ value: "jwt" as const, label: "JWT field", description: "Read a claim of the JWT-encoded access token." }]
                : []),
            ]}
          />
          {values.userProfile.source === "request" && (
            <div className="grid gap-4 sm:grid-cols-[8rem_1fr]">
              <FormField label="Method" error={errors.userProfile?.method?.message}>
                <Select {...register("userProfile.method")}>
                  <option value="GET">GET</option>
                  <option value="POST">POST</option>
                </Select>
              </FormField>
              <TemplateField
                control={control}
                name="userProfile.path"
                label="Path"
                placeholder="/me"
                variables={variablesFor("profilePath", shape)}
                error={errors.userProfile?.path?.message}
              />
              <div className="sm:col-span-2">
                <FormField
                  label="Fields to keep"
                  error={errors.userProfile?.fields?.message}
                  hint="Comma-separated JSON paths, e.g. id, email, team.name."
                >
                  <Input autoComplete="off" spellCheck={false} {...register("userProfile.fields")} />
                </FormField>
              </div>
            </div>
          )}
          {values.userProfile.source === "jwt" && (
            <div className="grid gap-4 sm:grid-cols-2">
              <FormField label="Claim path" error={errors.userProfile?.claimPath?.message} hint="e.g. sub, or user.email">
                <Input autoComplete="off" spellCheck={false} {...register("userProfile.claimPath")} />
              </FormField>
              <FormField
                label="JWKS URL"
                error={errors.userProfile?.jwksUrl?.message}
                hint="Optional: where your API publishes its token-signing keys. Without it, a connect first sends GET / on the API Base URL, which must answer 2xx, to check the token."
              >
                <Input
                  type="url"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="https://api.example.com/.well-known/jwks.json"
                  {...register("userProfile.jwksUrl")}
                />
              </FormField>
            </div>
          )}
        </section>
      )}

      {validationRequestAllowed(context) && (
        <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-medium text-slate-800">Validation request</legend>
          <p className="text-xs text-slate-500">
            Optional. The Connect Portal sends this request with what an end user typed, and saves the connection only when your API answers
            2xx; otherwise it shows your API&apos;s answer. Leave the path empty for none.
          </p>
          <div className="grid gap-4 sm:grid-cols-[8rem_1fr]">
            <FormField label="Method" error={errors.validationRequest?.method?.message}>
              <Select {...register("validationRequest.method")}>
                {VALIDATION_REQUEST_METHODS.map((method) => (
                  <option key={method} value={method}>
                    {method}
                  </option>
                ))}
              </Select>
            </FormField>
            <TemplateField
              control={control}
              name="validationRequest.path"
              label="Path"
              placeholder="/me"
              variables={variablesFor("validationPath", shape)}
              error={errors.validationRequest?.path?.message}
            />
          </div>
        </fieldset>
      )}

      <section aria-labelledby="request-preview-heading" className="rounded-md bg-slate-900 p-4 text-sm text-slate-100">
        <h2 id="request-preview-heading" className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-400">
          Request preview
        </h2>
        <pre data-testid="request-preview" className="overflow-x-auto font-mono text-xs leading-5 whitespace-pre-wrap">
          {`${preview.method} ${preview.url || "(API Base URL)"}\n${preview.headers.map(([name, value]) => `${name}: ${value}`).join("\n")}`}
        </pre>
      </section>

      <WizardActions
        backHref={stepHref(projectId, resourceId, previousStep("request-details", context.level)!)}
        submitLabel="Continue"
        submitting={isSubmitting}
      />
    </form>
  );
}
