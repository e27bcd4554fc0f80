import type { Metadata } from "next";
import { Button } from "@/components/ui/button";
import { requireProjectAccess } from "../../../require-user";

export const metadata: Metadata = { title: "Resources" };

export default async function ResourcesPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  await requireProjectAccess(projectId);
  return (
    <div className="max-w-4xl">
      <h1 className="text-2xl font-semibold">Resources</h1>
      <p className="mt-1 text-sm text-slate-600">
        Describe your own API once, then connect each of your users&apos; credentials to it.
      </p>
      <div className="mt-8 rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
        <h2 className="text-base font-semibold">No resources yet</h2>
        <p className="mx-auto mt-1 max-w-md text-sm text-slate-600">
          A resource holds your API&apos;s base URL, how it authenticates and who holds the credentials.
        </p>
        <Button className="mt-6">Create Resource</Button>
      </div>
    </div>
  );
}
