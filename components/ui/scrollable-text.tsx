import type { ComponentProps } from "react";

/**
 * Preformatted text that scrolls when it is longer or wider than its box (code, a request sent,
 * a body received): a region named `label` in the tab order, so keyboard users reach it and
 * scroll it with the arrow keys.
 */
export function ScrollableText({ label, className = "", ...props }: Omit<ComponentProps<"pre">, "tabIndex" | "role"> & { label: string }) {
  return (
    <pre
      {...props}
      tabIndex={0}
      role="region"
      aria-label={label}
      className={`${className} focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500`}
    />
  );
}
