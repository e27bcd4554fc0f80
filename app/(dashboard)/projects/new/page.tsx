import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { NewProjectForm } from "@/components/projects/new-project-form";
import { requireUser } from "@/server/require-user";

export const metadata: Metadata = { title: "New project" };

export default async function NewProjectPage() {
  await requireUser();
  return (
    <main className="mx-auto max-w-md px-4 py-16">
      <Card title="New project" description="A project holds its own resources, signing keys and connected users.">
        <NewProjectForm />
      </Card>
      <Link href="/" className="mt-4 inline-block text-sm text-indigo-600 hover:underline">
        Back
      </Link>
    </main>
  );
}
