// A link to a console page: a real address (for a new tab or a copied link), followed inside the
// page on a plain click.
import type { ReactNode } from "react";
import Link, { type LinkProps } from "@cloudscape-design/components/link";
import { followLink, href } from "../router";

export function ConsoleLink({
  path,
  children,
  ...props
}: { path: string; children: ReactNode } & Omit<LinkProps, "href" | "onFollow" | "children">) {
  return (
    <Link {...props} href={href(path)} onFollow={followLink}>
      {children}
    </Link>
  );
}
