/** Query keys of tags. `['tags']` is the prefix every tag query shares, so one invalidation reaches them all. */
export const tagKeys = {
  all: ['tags'] as const,
  lists: () => [...tagKeys.all, 'list'] as const,
  list: (q: string) => [...tagKeys.lists(), { q }] as const,
};
