// The CLI's queue: runs, a few at once, in the order that ends soonest.

/**
 * Runs `work` on every item, `size` at a time, and returns the results in the items' order.
 * The items start costliest first (by `cost`, equal costs in their own order): with a long
 * scenario started last, every other thread would sit idle while it runs alone.
 */
export async function runQueue<T, R>(items: T[], size: number, work: (item: T) => Promise<R>, cost: (item: T) => number = () => 0): Promise<R[]> {
  const costs = items.map(cost);
  const order = items.map((_, i) => i).sort((a, b) => costs[b] - costs[a]);
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < order.length) {
      const i = order[next++];
      results[i] = await work(items[i]);
    }
  }));
  return results;
}
