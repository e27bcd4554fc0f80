import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import "highlight.js/styles/github-dark.css";
import { CopyButton } from "./copy-button";

hljs.registerLanguage("bash", bash);
hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("json", json);

export type CodeLanguage = "bash" | "javascript" | "json";

/** Highlighted code (rendered on the server; highlight.js escapes the text) with a copy button. */
export function CodeBlock({ code, language, copyLabel }: { code: string; language: CodeLanguage; copyLabel?: string }) {
  const html = hljs.highlight(code, { language }).value;
  return (
    <div className="relative rounded-md bg-slate-900">
      {copyLabel && (
        <div className="absolute top-2 right-2">
          <CopyButton value={code} label={copyLabel} />
        </div>
      )}
      <pre className="overflow-x-auto p-4 pr-24 text-xs leading-5 text-slate-100">
        <code className={`hljs language-${language}`} dangerouslySetInnerHTML={{ __html: html }} />
      </pre>
    </div>
  );
}
