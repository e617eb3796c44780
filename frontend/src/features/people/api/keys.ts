/** Query keys of the people search behind every person picker. */
export const peopleKeys = {
  all: ['people'] as const,
  searches: () => [...peopleKeys.all, 'search'] as const,
  search: (q: string) => [...peopleKeys.searches(), q] as const,
};
