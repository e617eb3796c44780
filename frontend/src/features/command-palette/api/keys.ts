export const paletteKeys = {
  all: ['palette'] as const,
  search: (q: string) => [...paletteKeys.all, 'search', q] as const,
};
