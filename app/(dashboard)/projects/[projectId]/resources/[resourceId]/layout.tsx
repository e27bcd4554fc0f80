import type { ReactNode } from "react";
import { UnsavedValuesProvider } from "@/components/resources/wizard/unsaved-values";

export default function ResourceWizardLayout({ children }: { children: ReactNode }) {
  return <UnsavedValuesProvider>{children}</UnsavedValuesProvider>;
}
