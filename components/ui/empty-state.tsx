import type { ReactNode } from "react";
import Link from "next/link";
import { buttonClassName } from "./button";

/** A list with nothing in it yet: what the things are, and the button that creates the first. */
export function EmptyState({
  title,
  description,
  actionHref,
  actionLabel,
}: {
  title: string;
  description: string;
  actionHref: string;
  actionLabel: string;
}) {
  return (
    <div className="mt-8 rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
      <h2 className="text-base font-semibold">{title}</h2>
      <p className="mx-auto mt-1 max-w-md text-sm text-slate-600">{description}</p>
      <Link href={actionHref} className={buttonClassName("primary", "mt-6")}>
        {actionLabel}
      </Link>
    </div>
  );
}

/** A filtered or paged list that came back empty: a line (or two) saying so, in the list's place. */
export function EmptyMessage({ children }: { children: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-8 text-center text-sm text-slate-600">{children}</div>
  );
}
