/** Every item of a listing, page by page; fails if the listing does not end within 1,000 pages. */
export async function walkPages<T>(
  page: (nextToken: string | undefined) => Promise<{ items?: T[]; nextToken?: string }>,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const { items, nextToken } = await page(token);
    all.push(...(items ?? []));
    if (!nextToken) return all;
    token = nextToken;
  }
  throw new Error("the listing did not end");
}

/** UTF-8 byte order, the order listings return names in on both databases. */
export function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
