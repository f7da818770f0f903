/** Shown while a page's code loads; plain markup, so the entry script carries no design system. */
export function PageLoading() {
  return (
    <div role="status" style={{ padding: "2rem", fontFamily: "sans-serif" }}>
      Loading…
    </div>
  );
}
