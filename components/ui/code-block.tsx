import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import "highlight.js/styles/github-dark.css";
import { CopyButton } from "./copy-button";
import { ScrollableText } from "./scrollable-text";

hljs.registerLanguage("bash", bash);
hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("json", json);

export type CodeLanguage = "bash" | "javascript" | "json";

/**
 * Highlighted code (rendered on the server; highlight.js escapes the text) with a copy button.
 * The code scrolls sideways when it is wider than the block: it is a region named `label` that
 * keyboard users reach with Tab.
 */
export function CodeBlock({
  code,
  language,
  label,
  copyLabel,
}: {
  code: string;
  language: CodeLanguage;
  label: string;
  copyLabel?: string;
}) {
  const html = hljs.highlight(code, { language }).value;
  return (
    <div className="relative rounded-md bg-slate-900">
      {copyLabel && (
        <div className="absolute top-2 right-2">
          <CopyButton value={code} label={copyLabel} />
        </div>
      )}
      <ScrollableText label={label} className="overflow-x-auto rounded-md p-4 pr-24 text-xs leading-5 text-slate-100">
        {/* Not the theme's `hljs` block class: it would make the <code> the element that scrolls. */}
        <code className={`language-${language}`} dangerouslySetInnerHTML={{ __html: html }} />
      </ScrollableText>
    </div>
  );
}
