"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { FormMessage } from "@/components/ui/form-message";
import { RadioGroup } from "@/components/ui/radio-group";
import { apiInfoStepSchema, type ApiInfo, type ApiInfoStepInput } from "@/lib/resources/schema";
import { useUnsavedValues } from "./unsaved-values";
import { stepHref, useSaveStep, WizardActions } from "./wizard-form";

export function ApiInfoStepForm({
  projectId,
  resourceId,
  saved,
  hasLaterSteps,
}: {
  projectId: string;
  resourceId: string;
  saved: ApiInfo | null;
  hasLaterSteps: boolean;
}) {
  const form = useForm<ApiInfoStepInput, unknown, z.output<typeof apiInfoStepSchema>>({
    resolver: zodResolver(apiInfoStepSchema),
    defaultValues: useUnsavedValues("api-info", saved ?? { level: undefined as never, authType: undefined as never, grantType: null }),
  });
  const save = useSaveStep({ projectId, resourceId, step: "api-info", form });
  const { errors, isSubmitting } = form.formState;
  const [level, authType, grantType] = useWatch({ control: form.control, name: ["level", "authType", "grantType"] });
  const changesLaterSteps =
    hasLaterSteps &&
    saved &&
    (saved.level !== level || saved.authType !== authType || (authType === "oauth2" && saved.grantType !== grantType));
  // Authorization Code is User-Level only: an App-Level resource has no end user to authorize.
  const offersAuthorizationCode = level === "user";
  useEffect(() => {
    if (!offersAuthorizationCode && grantType === "authorization_code") form.setValue("grantType", null);
  }, [offersAuthorizationCode, grantType, form]);

  return (
    <form onSubmit={form.handleSubmit(save)} className="space-y-6" noValidate>
      <FormMessage error={errors.root?.serverError?.message} />
      <RadioGroup
        legend="Level"
        error={errors.level?.message}
        inputProps={form.register("level")}
        options={[
          {
            value: "user",
            label: "User-Level Resource",
            description: "Each Connected User saves their own credentials through the SDK or API.",
          },
          {
            value: "app",
            label: "App-Level Resource",
            description: "One set of credentials (API keys or a service account) for all Connected Users.",
          },
        ]}
      />
      <RadioGroup
        legend="Authentication type"
        error={errors.authType?.message}
        inputProps={form.register("authType")}
        options={[
          { value: "oauth2", label: "OAuth 2.0", description: "Access tokens from your token endpoint." },
          { value: "api_keys", label: "API Keys", description: "Named values such as an API key, or a username and password." },
        ]}
      />
      {authType === "oauth2" && (
        <RadioGroup
          legend="Grant type"
          error={errors.grantType?.message}
          inputProps={form.register("grantType")}
          options={[
            { value: "refresh_token", label: "Refresh Token", description: "Tokens are refreshed with a refresh token." },
            { value: "client_credentials", label: "Client Credentials", description: "Tokens are fetched with the client ID and secret." },
            ...(offersAuthorizationCode
              ? [
                  {
                    value: "authorization_code" as const,
                    label: "Authorization Code",
                    description: "End users sign in at your API through the Connect Portal.",
                  },
                ]
              : []),
          ]}
        />
      )}
      {changesLaterSteps && (
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
          Changing the level or authentication type clears what was entered in the later steps.
        </p>
      )}
      <WizardActions backHref={stepHref(projectId, resourceId, "name")} submitLabel="Continue" submitting={isSubmitting} />
    </form>
  );
}
