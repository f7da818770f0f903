// Which rows of a list show their secret value now. Values are fetched only for those rows, and a
// value hidden again is dropped from the query cache, not kept for the next reveal.
import { useState } from "react";
import { type QueryKey, useQueryClient } from "@tanstack/react-query";

export function useRevealed(keyOf: (id: string) => QueryKey) {
  const queryClient = useQueryClient();
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  const reveal = (id: string) => setRevealed((set) => new Set(set).add(id));
  const hide = (id: string) => {
    setRevealed((set) => {
      const next = new Set(set);
      next.delete(id);
      return next;
    });
    queryClient.removeQueries({ queryKey: keyOf(id), exact: true });
  };
  return { revealed, reveal, hide };
}
