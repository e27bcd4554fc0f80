import { redirect } from "next/navigation";
import { requireResourceDraft } from "@/server/require-resource";

// Opening a resource resumes its wizard at the furthest step reached.
export default async function ResourcePage({ params }: { params: Promise<{ projectId: string; resourceId: string }> }) {
  const { projectId, resourceId } = await params;
  const draft = await requireResourceDraft(projectId, resourceId);
  redirect(`/projects/${projectId}/resources/${resourceId}/${draft.stepReached}`);
}
