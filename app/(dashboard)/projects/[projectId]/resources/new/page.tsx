import type { Metadata } from "next";
import { Stepper } from "@/components/resources/wizard/stepper";
import { NameStepForm } from "@/components/resources/wizard/name-step-form";
import { ResourceEditGuard } from "@/components/resources/read-only-note";
import { canChangeResources } from "@/lib/projects/roles";
import { requireProjectAccess } from "@/server/require-user";

export const metadata: Metadata = { title: "Create Resource" };

export default async function NewResourcePage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { role } = await requireProjectAccess(projectId);
  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-2xl font-semibold">Create Resource</h1>
      <Stepper current="name" reached="name" level={null} />
      <ResourceEditGuard canEdit={canChangeResources(role)}>
        <NameStepForm projectId={projectId} name="" />
      </ResourceEditGuard>
    </div>
  );
}
