// The empty and error states every console table shares.
import type { ReactNode } from "react";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { followLink, href } from "../router";

export function EmptyState({
  title,
  subtitle,
  action,
}: {
  title: string;
  subtitle?: string;
  action?: { text: string; path: string };
}) {
  return (
    <Box margin={{ vertical: "xs" }} textAlign="center" color="inherit">
      <Box variant="strong" color="inherit">
        {title}
      </Box>
      {subtitle && (
        <Box variant="p" color="inherit">
          {subtitle}
        </Box>
      )}
      {action && (
        <Box margin={{ top: "s" }}>
          <Button href={href(action.path)} onFollow={followLink}>
            {action.text}
          </Button>
        </Box>
      )}
    </Box>
  );
}

/** What a table shows in place of rows: the query's error if it failed, else its empty state. */
export function emptyOrError(error: Error | null, empty: ReactNode): ReactNode {
  if (!error) return empty;
  return (
    <Box margin={{ vertical: "xs" }} textAlign="center">
      <StatusIndicator type="error">{error.message}</StatusIndicator>
    </Box>
  );
}

/** A table's footer while its infinite query has more pages: a Load more button; else none. */
export function loadMoreFooter(
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> },
  text = "Load more",
): ReactNode {
  if (!query.hasNextPage) return undefined;
  return (
    <Box textAlign="center">
      <Button loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
        {text}
      </Button>
    </Box>
  );
}

/**
 * The props of a table that lists what a query returned: its rows, "Loading <things>" while it
 * loads, and in place of rows the query's error, or "No <things>" with what to do about it. An
 * empty state's `subtitle: undefined` leaves the subtitle out.
 */
export function queryTableProps<T>(
  query: { data?: readonly T[] | undefined; isPending: boolean; error: Error | null },
  things: string,
  empty: { title?: string; subtitle?: string; action?: { text: string; path: string } } = {},
) {
  return {
    items: query.data ?? [],
    loading: query.isPending,
    loadingText: `Loading ${things}`,
    empty: emptyOrError(
      query.error,
      <EmptyState
        title={empty.title ?? `No ${things}`}
        subtitle={"subtitle" in empty ? empty.subtitle : `No ${things} to display.`}
        action={empty.action}
      />,
    ),
  };
}
