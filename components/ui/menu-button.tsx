"use client";

import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { buttonClassName, type ButtonVariant } from "./button";

export interface MenuItem {
  label: string;
  onSelect: () => void;
}

/**
 * A button that opens a menu of actions (the ARIA menu button pattern): arrow keys, Home and
 * End move between items, Enter or a click picks one, Escape or a click elsewhere closes it.
 * `groups` are separated by a line; `accessibleName` names the button (and its menu) when several
 * show the same `label`.
 */
export function MenuButton({
  label,
  accessibleName,
  groups,
  variant = "secondary",
}: {
  label: string;
  accessibleName?: string;
  groups: readonly (readonly MenuItem[])[];
  variant?: ButtonVariant;
}) {
  const id = useId();
  const buttonId = `${id}-button`;
  const menuId = `${id}-menu`;
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const visible = groups.filter((group) => group.length > 0);
  const flat = visible.flat();

  useEffect(() => {
    if (!open) return;
    items.current[0]?.focus();
    const close = (event: PointerEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", close);
    return () => document.removeEventListener("pointerdown", close);
  }, [open]);

  function focusItem(index: number) {
    items.current[(index + flat.length) % flat.length]?.focus();
  }

  function onMenuKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const current = items.current.findIndex((item) => item === document.activeElement);
    if (event.key === "ArrowDown") focusItem(current + 1);
    else if (event.key === "ArrowUp") focusItem(current - 1);
    else if (event.key === "Home") focusItem(0);
    else if (event.key === "End") focusItem(flat.length - 1);
    else if (event.key === "Escape") {
      setOpen(false);
      button.current?.focus();
    } else if (event.key === "Tab") {
      setOpen(false);
      return;
    } else return;
    event.preventDefault();
  }

  function pick(item: MenuItem) {
    setOpen(false);
    button.current?.focus();
    item.onSelect();
  }

  const offsets = visible.map((_, groupIndex) => visible.slice(0, groupIndex).reduce((count, group) => count + group.length, 0));
  return (
    <div ref={container} className="relative inline-block">
      <button
        ref={button}
        id={buttonId}
        type="button"
        aria-label={accessibleName}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        className={buttonClassName(variant)}
        onClick={() => setOpen((value) => !value)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        {label}
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          id={menuId}
          role="menu"
          aria-labelledby={buttonId}
          onKeyDown={onMenuKeyDown}
          className="absolute left-0 z-30 mt-1 min-w-56 rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        >
          {visible.map((group, groupIndex) => (
            <div key={groupIndex} role="group" className={groupIndex > 0 ? "border-t border-slate-100 pt-1 mt-1" : ""}>
              {group.map((item, itemIndex) => {
                const position = offsets[groupIndex]! + itemIndex;
                return (
                  <button
                    key={`${position}-${item.label}`}
                    ref={(node) => {
                      items.current[position] = node;
                    }}
                    type="button"
                    role="menuitem"
                    tabIndex={-1}
                    className="block w-full px-3 py-1.5 text-left text-sm text-slate-800 hover:bg-indigo-50 hover:text-indigo-700 focus:bg-indigo-50 focus:text-indigo-700 focus:outline-none"
                    onClick={() => pick(item)}
                  >
                    {item.label}
                  </button>
                );
              })}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
