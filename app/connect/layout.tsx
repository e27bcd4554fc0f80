import type { Metadata } from "next";
import type { ReactNode } from "react";

export const metadata: Metadata = { robots: { index: false, follow: false } };

/** The Connect Portal's frame: one card, centred, for a popup or a tab opened from a link. */
export default function ConnectPortalLayout({ children }: { children: ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-10">
      <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">{children}</div>
      <p className="mt-4 text-center text-xs text-slate-500">Secured by Switchboard</p>
    </main>
  );
}
