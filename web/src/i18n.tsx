// Cloudscape's own English strings give every control its labels (tag editor, app layout, table
// and so on) without spelling each one out here.
import type { ReactNode } from "react";
import IntlMessageFormat from "intl-messageformat";
import { I18nProvider } from "@cloudscape-design/components/i18n";
import messages from "@cloudscape-design/components/i18n/messages/all.en";

// Every string Cloudscape formats builds an IntlMessageFormat, whose constructor resolves the locale
// through `Intl.NumberFormat.supportedLocalesOf`: about a tenth of a millisecond each, for the same
// answer every time, and some 50–90 ms of a first load's main thread in Chromium here. The answer
// depends only on the locales asked for, so it is kept. The console's own locale, "en", which every
// engine supports, is answered without asking: the first such call loads the engine's whole list of
// number-format locales, 25–70 ms of Chromium's main thread here, before the first paint.
const resolveLocale = IntlMessageFormat.resolveLocale;
const resolvedLocales = new Map<string, ReturnType<typeof resolveLocale>>([["en", new Intl.Locale("en")]]);
IntlMessageFormat.resolveLocale = (locales) => {
  const key = Array.isArray(locales) ? locales.join(",") : String(locales);
  if (!resolvedLocales.has(key)) resolvedLocales.set(key, resolveLocale(locales));
  return resolvedLocales.get(key);
};

export function ConsoleI18n({ children }: { children: ReactNode }) {
  return (
    <I18nProvider locale="en" messages={[messages]}>
      {children}
    </I18nProvider>
  );
}
