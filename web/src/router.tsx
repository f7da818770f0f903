// A small router on the History API: the console has a handful of pages, and links stay real
// <a href> elements so the keyboard, middle-click and "open in new tab" work as on any site.
import { useSyncExternalStore } from "react";
import { CONSOLE_BASE } from "./api";

const NAVIGATE_EVENT = "pipewright:navigate";

/** The href of a console path such as "/repositories". */
export function href(path: string): string {
  return `${CONSOLE_BASE}${path}`;
}

/** The console path of the current location ("/" for the Dashboard), without the base. */
function currentPath(): string {
  const { pathname } = window.location;
  if (!pathname.startsWith(CONSOLE_BASE)) return "/";
  const rest = pathname.slice(CONSOLE_BASE.length).replace(/\/+$/, "");
  return rest === "" ? "/" : rest;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

/** Goes to a console path; `replace` for redirects, so Back does not return to the redirecting page. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const target = href(path);
  if (window.location.pathname !== target || window.location.search || window.location.hash) {
    if (options.replace) window.history.replaceState(null, "", target);
    else window.history.pushState(null, "", target);
  }
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  window.scrollTo(0, 0);
}

/**
 * The `onFollow` handler for Cloudscape links, buttons and navigation: Cloudscape fires it only
 * for plain left clicks, so other clicks keep the browser's behaviour.
 */
export function followLink(event: CustomEvent<{ href?: string; external?: boolean }>): void {
  const target = event.detail.href;
  if (!target || event.detail.external || !target.startsWith(CONSOLE_BASE)) return;
  event.preventDefault();
  navigate(target.slice(CONSOLE_BASE.length) || "/");
}

/**
 * The console path of `url` when it is a page of this console (same origin, under the console's
 * base), so a link the API hands out opens in the console instead of reloading it; else undefined.
 */
export function consolePathOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url, window.location.href);
  } catch {
    return undefined;
  }
  if (parsed.origin !== window.location.origin || !parsed.pathname.startsWith(`${CONSOLE_BASE}/`)) {
    return undefined;
  }
  return parsed.pathname.slice(CONSOLE_BASE.length);
}
