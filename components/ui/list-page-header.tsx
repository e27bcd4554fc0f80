import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClassName } from "./button";

/**
 * The top of a list page (Resources, Workflows): its title, what the things are, the link that
 * creates one (`create`, given once the list has something in it; the empty state offers it
 * otherwise) and, below, the right-aligned `tools` (Import) and a `note` (why a reader cannot change them).
 */
export function ListPageHeader({
  title,
  description,
  create,
  tools,
  note,
}: {
  title: string;
  description: string;
  create?: { href: string; label: string };
  tools?: ReactNode;
  note?: ReactNode;
}) {
  return (
    <>
      <div className="flex items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">{title}</h1>
          <p className="mt-1 text-sm text-slate-600">{description}</p>
        </div>
        {create && (
          <Link href={create.href} className={buttonClassName()}>
            {create.label}
          </Link>
        )}
      </div>
      {tools && <div className="mt-4 flex justify-end">{tools}</div>}
      {note && <div className="mt-4">{note}</div>}
    </>
  );
}
