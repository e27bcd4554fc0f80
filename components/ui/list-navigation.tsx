import Link from "next/link";
import { Button } from "./button";

const linkClass = "text-indigo-700 hover:underline";

/** A filter form's Filter button, and Clear filters (back to `clearHref`) while a filter is set. */
export function FilterActions({ filtered, clearHref }: { filtered: boolean; clearHref: string }) {
  return (
    <>
      <Button type="submit" variant="secondary">
        Filter
      </Button>
      {filtered && (
        <Link href={clearHref} className={`px-2 py-2 text-sm ${linkClass}`}>
          Clear filters
        </Link>
      )}
    </>
  );
}

/**
 * The links of a list paged by its last item: to the newest page (given while an older one is
 * shown) and to older items (given while there are more). Nothing when neither is.
 */
export function KeysetPager({
  label,
  noun,
  newestHref,
  olderHref,
}: {
  label: string;
  noun: string;
  newestHref?: string;
  olderHref?: string;
}) {
  if (!newestHref && !olderHref) return null;
  return (
    <nav aria-label={label} className="flex gap-4 text-sm">
      {newestHref && (
        <Link href={newestHref} className={linkClass}>
          Newest {noun}
        </Link>
      )}
      {olderHref && (
        <Link href={olderHref} className={linkClass}>
          Older {noun}
        </Link>
      )}
    </nav>
  );
}
