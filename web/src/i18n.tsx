// Cloudscape's own English strings give every control its labels (tag editor, app layout, table
// and so on) without spelling each one out here.
import type { ReactNode } from "react";
import { I18nProvider } from "@cloudscape-design/components/i18n";
import messages from "@cloudscape-design/components/i18n/messages/all.en";

export function ConsoleI18n({ children }: { children: ReactNode }) {
  return (
    <I18nProvider locale="en" messages={[messages]}>
      {children}
    </I18nProvider>
  );
}
