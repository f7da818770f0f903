// What a console path resolves to. Each service area has its own module of routes and its own
// side navigation section, so areas are added without touching the layout.
import type { ReactNode } from "react";
import type { AppLayoutProps } from "@cloudscape-design/components/app-layout";
import type { BreadcrumbGroupProps } from "@cloudscape-design/components/breadcrumb-group";
import type { SideNavigationProps } from "@cloudscape-design/components/side-navigation";
import { href } from "../router";

export interface Route {
  page: ReactNode;
  breadcrumbs: BreadcrumbGroupProps.Item[];
  /** The side navigation entry to highlight. */
  section: string;
  /** Lets the layout size the content the way the AWS console does for this kind of page. */
  contentType: AppLayoutProps.ContentType;
}

/** A service area of the console: the pages it answers for, and its side navigation section. */
export interface ConsoleArea {
  /** The route of `path`, or undefined when the path is not one of this area's. */
  route(path: string): Route | undefined;
  nav?: SideNavigationProps.Item;
}

export const home: BreadcrumbGroupProps.Item = { text: "Pipewright", href: href("/") };

/** A breadcrumb to a console path. */
export function crumb(text: string, path: string): BreadcrumbGroupProps.Item {
  return { text, href: href(path) };
}

/** The one path segment after `prefix`, decoded; undefined when the path is not of that form. */
export function segmentAfter(path: string, prefix: string): string | undefined {
  const segments = segmentsAfter(path, prefix);
  return segments?.length === 1 ? segments[0] : undefined;
}

/**
 * The decoded path segments after `prefix` (at least one); undefined when the path does not start
 * with it, a segment is empty, or one is not valid percent-encoding.
 */
export function segmentsAfter(path: string, prefix: string): string[] | undefined {
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  if (rest === "") return undefined;
  try {
    const segments = rest.split("/").map((s) => decodeURIComponent(s));
    return segments.some((s) => s === "") ? undefined : segments;
  } catch {
    return undefined;
  }
}
