import Link from "next/link";

/**
 * Under text a page cut at its size bound: says how much is shown and links to the same page
 * showing one step more (`href`), or says it stops there when `href` is absent.
 */
export function ShowMore({ truncated, shownBytes, href }: { truncated: boolean; shownBytes: number; href?: string }) {
  if (!truncated) return null;
  const shown = shownBytes >= 1024 * 1024 ? `${shownBytes / 1024 / 1024} MB` : `${shownBytes / 1024} KB`;
  return (
    <p className="mt-1 text-xs text-slate-600">
      Showing the first {shown}.{" "}
      {href && (
        <Link href={href} scroll={false} className="font-medium text-indigo-700 hover:underline">
          Show more
        </Link>
      )}
    </p>
  );
}
