import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { ExportConfigButton } from "@/components/as-code/export-config-button";
import { ApiInfoStepForm } from "@/components/resources/wizard/api-info-step-form";
import { ApiKeysAuthorizationForm, OAuthAuthorizationForm } from "@/components/resources/wizard/authorization-step-form";
import { NameStepForm } from "@/components/resources/wizard/name-step-form";
import { RequestDetailsStepForm } from "@/components/resources/wizard/request-details-step-form";
import { ResourceEditGuard } from "@/components/resources/read-only-note";
import { ResourceHeader } from "@/components/resources/resource-tabs";
import { TestAndPublishStep } from "@/components/resources/test-and-publish/test-and-publish-step";
import { Stepper } from "@/components/resources/wizard/stepper";
import { loadTestAndPublish } from "@/lib/connections/test-and-publish";
import { shownOAuthRedirectUrl } from "@/lib/oauth/redirect-url";
import { canChangeResources } from "@/lib/projects/roles";
import { RESOURCE_WIZARD_STEP_LABELS } from "@/lib/resources/schema";
import { canOpenStep, isStepSkipped, isWizardStep, stepIndex } from "@/lib/resources/wizard";
import { requireProjectAccess } from "@/server/require-user";
import { requireResource, requireResourceDraft } from "@/server/require-resource";

type Params = Promise<{ projectId: string; resourceId: string; step: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { step } = await params;
  return { title: isWizardStep(step) ? RESOURCE_WIZARD_STEP_LABELS[step] : "Resource" };
}

export default async function ResourceStepPage({ params }: { params: Params }) {
  const { projectId, resourceId, step } = await params;
  if (!isWizardStep(step)) notFound();
  const draft = await requireResourceDraft(projectId, resourceId);
  const { role } = await requireProjectAccess(projectId);
  const level = draft.apiInfo?.level ?? null;
  const base = `/projects/${projectId}/resources/${resourceId}`;
  if (isStepSkipped(step, level)) redirect(`${base}/request-details`);
  if (!canOpenStep(step, draft.stepReached, level)) redirect(`${base}/${draft.stepReached}`);

  const props = { projectId, resourceId };
  let form: React.ReactNode;
  switch (step) {
    case "name":
      form = <NameStepForm {...props} name={draft.name} />;
      break;
    case "api-info":
      form = <ApiInfoStepForm {...props} saved={draft.apiInfo} hasLaterSteps={stepIndex(draft.stepReached) > stepIndex("api-info")} />;
      break;
    case "authorization":
      form =
        draft.apiInfo?.authType === "oauth2" ? (
          <OAuthAuthorizationForm
            {...props}
            config={draft.config}
            saved={draft.saved}
            grantType={draft.apiInfo.grantType}
            redirect={shownOAuthRedirectUrl()}
          />
        ) : (
          <ApiKeysAuthorizationForm {...props} config={draft.config} saved={draft.saved} />
        );
      break;
    case "request-details":
      form = (
        <RequestDetailsStepForm
          {...props}
          config={draft.config}
          context={{
            ...draft.apiInfo!,
            requiredInputs: draft.config.oauth?.requiredInputs ?? [],
            apiKeys: draft.config.apiKeys ?? [],
            saved: draft.saved,
          }}
        />
      );
      break;
    case "test-and-publish": {
      const view = await loadTestAndPublish(await requireResource(projectId, resourceId));
      if (!view) redirect(`${base}/${draft.stepReached}`);
      const requestHeaders = await headers();
      const origin = `${requestHeaders.get("x-forwarded-proto") ?? "http"}://${requestHeaders.get("host")}`;
      form = <TestAndPublishStep draft={draft} view={view} origin={origin} />;
      break;
    }
  }

  return (
    <div className="max-w-3xl space-y-6">
      <ResourceHeader projectId={projectId} resourceId={resourceId} name={draft.name} current="setup" />
      <ExportConfigButton projectId={projectId} target={{ kind: "resource", resourceId }} fileName={`${draft.slug}.resource.json`} />
      <Stepper baseHref={base} current={step} reached={draft.stepReached} level={level} />
      <h2 className="text-lg font-semibold">{RESOURCE_WIZARD_STEP_LABELS[step]}</h2>
      <ResourceEditGuard canEdit={canChangeResources(role)}>{form}</ResourceEditGuard>
    </div>
  );
}
