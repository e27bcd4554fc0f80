"use client";

import type { KeyboardEvent, Ref, SyntheticEvent } from "react";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { Input } from "@/components/ui/input";
import { findVariableQuery, insertVariable } from "@/lib/resources/template";

type VariableQuery = { start: number; query: string };

/**
 * A text input for templates: typing "{{" opens a menu of the variables available here,
 * following the ARIA combobox pattern (focus stays in the input).
 */
export function TemplateInput({
  id,
  name,
  value,
  onChange,
  onBlur,
  variables,
  placeholder,
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
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
  ref?: Ref<HTMLInputElement>;
}) {
  const listboxId = `${useId()}-variables`;
  const inputRef = useRef<HTMLInputElement | null>(null);
  const [menu, setMenu] = useState<VariableQuery | undefined>();
  const [active, setActive] = useState(0);
  // After Escape the menu stays closed while the caret moves, until the user types again.
  const dismissed = useRef(false);
  const pendingCaret = useRef<number | null>(null);

  const setRefs = useCallback(
    (node: HTMLInputElement | null) => {
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

  function update(input: HTMLInputElement) {
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

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
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

  return (
    <div className="relative">
      <Input
        ref={setRefs}
        id={id}
        name={name}
        value={value}
        placeholder={placeholder}
        aria-invalid={ariaInvalid}
        aria-describedby={ariaDescribedBy}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={menu !== undefined}
        aria-controls={listboxId}
        aria-activedescendant={activeId}
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        onChange={(event) => {
          dismissed.current = false;
          update(event.currentTarget);
          onChange(event.currentTarget.value);
        }}
        onSelect={(event: SyntheticEvent<HTMLInputElement>) => update(event.currentTarget)}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setMenu(undefined);
          onBlur?.();
        }}
      />
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
