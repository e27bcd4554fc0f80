"use client";

import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from "react";
import type { FieldValues, UseFormReturn } from "react-hook-form";

type Store = Map<string, FieldValues>;
const UnsavedValuesContext = createContext<Store | null>(null);

/**
 * Keeps what was typed in a wizard step while the user moves between steps without saving
 * (Back, or a step in the stepper), for as long as they stay in this resource's wizard.
 */
export function UnsavedValuesProvider({ children }: { children: ReactNode }) {
  const [store] = useState<Store>(() => new Map());
  return <UnsavedValuesContext.Provider value={store}>{children}</UnsavedValuesContext.Provider>;
}

/** The values a step's form starts from: unsaved ones kept from an earlier visit, else the saved ones. */
export function useUnsavedValues<T extends FieldValues>(step: string, saved: T): T {
  const store = useContext(UnsavedValuesContext);
  return (store?.get(step) as T | undefined) ?? saved;
}

/**
 * Remembers the form's values when the step is left unsaved; call the returned function
 * once the step is saved, after which the saved draft is the truth again.
 */
export function useRememberUnsavedValues(step: string, form: Pick<UseFormReturn<FieldValues>, "getValues">): () => void {
  const store = useContext(UnsavedValuesContext);
  const saved = useRef(false);
  const getValues = form.getValues;
  useEffect(() => {
    saved.current = false;
    return () => {
      if (saved.current) store?.delete(step);
      else store?.set(step, getValues());
    };
  }, [store, step, getValues]);
  return () => {
    saved.current = true;
  };
}

/** Forgets every step's unsaved values: after API Info changes, the later steps start afresh. */
export function useForgetAllUnsavedValues(): () => void {
  const store = useContext(UnsavedValuesContext);
  return () => store?.clear();
}
