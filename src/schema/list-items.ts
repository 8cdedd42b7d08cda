// A list field whose items succeed or fail one by one (completeJobs): a failed item is null in the
// answer, with its own error at [field, index].

/**
 * The items' values, each failed one as its Error. Both executors report an Error item at its index;
 * graphql-jit misplaces rejected promises inside a list (it pushes their null to the end), so items
 * are settled here first. Typed as T[] because that is what the field's type says it resolves to.
 */
export async function itemsOrErrors<T>(items: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.all(
    items.map((item) => item.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))),
  );
  return settled as T[];
}
