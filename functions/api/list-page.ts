/**
 * OpenAI's cursor page: `{object: "list", data, first_id, last_id, has_more}`. `lastId` stands in for
 * the last item's id where a page's cursor is not one of its items (a page that skipped hidden ones).
 */
export function listPage<T extends { id: string }>(data: T[], hasMore: boolean, lastId?: string | null) {
  return {
    object: 'list' as const,
    data,
    first_id: data[0]?.id ?? null,
    last_id: lastId !== undefined ? lastId : (data.at(-1)?.id ?? null),
    has_more: hasMore,
  };
}
