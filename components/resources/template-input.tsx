"use client";

import type { ChangeEvent, KeyboardEvent, Ref, SyntheticEvent } from "react";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { Input } from "@/components/ui/input";
import { findVariableQuery, insertVariable } from "@/lib/resources/template";

type VariableQuery = { start: number; query: string };

type TemplateElement = HTMLInputElement | HTMLTextAreaElement;

/**
 * A text input for templates: typing "{{" opens a menu of the variables available here,
 * following the ARIA combobox pattern (focus stays in the input). With `rows` it is a
 * textarea (a JSON body), a textbox that owns the same listbox.
 */
export function TemplateInput({
  id,
  name,
  value,
  onChange,
  onBlur,
  variables,
  placeholder,
  rows,
  "aria-invalid": ariaInvalid,
  "aria-describedby": ariaDescribedBy,
  ref,
}: {
  id?: string;
  name?: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  variables: readonly string[];
  placeholder?: string;
  /** Multi-line: a textarea of this many rows. */
  rows?: number;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
  ref?: Ref<TemplateElement>;
}) {
  const listboxId = `${useId()}-variables`;
  const inputRef = useRef<TemplateElement | null>(null);
  const [menu, setMenu] = useState<VariableQuery | undefined>();
  const [active, setActive] = useState(0);
  // After Escape the menu stays closed while the caret moves, until the user types again.
  const dismissed = useRef(false);
  const pendingCaret = useRef<number | null>(null);

  const setRefs = useCallback(
    (node: TemplateElement | null) => {
      inputRef.current = node;
      if (typeof ref !== "function") {
        if (ref) ref.current = node;
        return;
      }
      const cleanup = ref(node);
      // React 19 calls a returned cleanup instead of calling the ref with null.
      if (typeof cleanup === "function") {
        return () => {
          inputRef.current = null;
          cleanup();
        };
      }
    },
    [ref],
  );

  // The caret can only be placed once the parent has rendered the inserted text.
  useEffect(() => {
    const caret = pendingCaret.current;
    if (caret === null || !inputRef.current) return;
    pendingCaret.current = null;
    inputRef.current.setSelectionRange(caret, caret);
  }, [value]);

  const needle = menu?.query.toLowerCase() ?? "";
  const options = menu ? variables.filter((variable) => variable.toLowerCase().includes(needle)) : [];
  const activeIndex = Math.min(active, Math.max(options.length - 1, 0));
  const optionId = (index: number) => `${listboxId}-${index}`;
  const activeId = menu && options.length > 0 ? optionId(activeIndex) : undefined;

  function update(input: TemplateElement) {
    const caret = input.selectionStart;
    const next = dismissed.current || caret === null || caret !== input.selectionEnd ? undefined : findVariableQuery(input.value, caret);
    if (next?.start !== menu?.start || next?.query !== menu?.query) setActive(0);
    setMenu(next);
  }

  function insert(variable: string) {
    const input = inputRef.current;
    if (!menu || !input) return;
    const result = insertVariable(input.value, menu, input.selectionStart ?? input.value.length, variable);
    setMenu(undefined);
    if (result.text === input.value) {
      input.setSelectionRange(result.cursor, result.cursor);
      return;
    }
    pendingCaret.current = result.cursor;
    onChange(result.text);
  }

  function onKeyDown(event: KeyboardEvent<TemplateElement>) {
    if (!menu) return;
    if (event.key === "Escape") {
      event.preventDefault();
      dismissed.current = true;
      setMenu(undefined);
      return;
    }
    const choice = options[activeIndex];
    if (choice === undefined) {
      // An open menu with nothing to insert still owns Enter: it must not submit the form.
      if (event.key === "Enter") {
        event.preventDefault();
        dismissed.current = true;
        setMenu(undefined);
      }
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((activeIndex + step + options.length) % options.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      insert(choice);
    }
  }

  useEffect(() => {
    if (activeId) document.getElementById(activeId)?.scrollIntoView?.({ block: "nearest" });
  }, [activeId]);

  const controlProps = {
    id,
    name,
    value,
    placeholder,
    "aria-invalid": ariaInvalid,
    "aria-describedby": ariaDescribedBy,
    "aria-autocomplete": "list" as const,
    "aria-controls": listboxId,
    "aria-activedescendant": activeId,
    autoComplete: "off",
    spellCheck: false,
    onChange: (event: ChangeEvent<TemplateElement>) => {
      dismissed.current = false;
      update(event.currentTarget);
      onChange(event.currentTarget.value);
    },
    onSelect: (event: SyntheticEvent<TemplateElement>) => update(event.currentTarget),
    onKeyDown,
    onBlur: () => {
      setMenu(undefined);
      onBlur?.();
    },
  };

  return (
    <div className="relative">
      {rows ? (
        // A textarea cannot be a combobox (ARIA in HTML): a textbox with aria-autocomplete owns the listbox.
        <textarea
          ref={setRefs}
          rows={rows}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 shadow-xs placeholder:text-slate-400 focus:border-indigo-500 focus:outline-2 focus:outline-indigo-200 aria-invalid:border-red-500"
          {...controlProps}
        />
      ) : (
        <Input ref={setRefs} role="combobox" aria-expanded={menu !== undefined} className="font-mono" {...controlProps} />
      )}
      <ul
        id={listboxId}
        role="listbox"
        aria-label="Variables"
        hidden={!menu}
        className="absolute inset-x-0 z-20 mt-1 max-h-60 overflow-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg"
      >
        {menu &&
          (options.length > 0 ? (
            options.map((variable, index) => (
              <li
                key={variable}
                id={optionId(index)}
                role="option"
                aria-selected={index === activeIndex}
                className={`cursor-pointer truncate px-3 py-1.5 font-mono text-sm ${index === activeIndex ? "bg-indigo-50 text-indigo-700" : "text-slate-800"}`}
                onMouseDown={(event) => {
                  event.preventDefault();
                  insert(variable);
                }}
                onMouseMove={() => setActive(index)}
              >
                {variable}
              </li>
            ))
          ) : (
            <li role="presentation" className="px-3 py-1.5 text-sm text-slate-500">
              {variables.length === 0 ? "No variables are available here" : "No variables match"}
            </li>
          ))}
      </ul>
    </div>
  );
}
