/** The UK's ITL1 regions as slugs, plus `uk-wide`. */
export const REGIONS = [
  'north-east',
  'north-west',
  'yorkshire-and-the-humber',
  'east-midlands',
  'west-midlands',
  'east-of-england',
  'london',
  'south-east',
  'south-west',
  'wales',
  'scotland',
  'northern-ireland',
  'uk-wide',
] as const;
export type Region = (typeof REGIONS)[number];

/** Certifications are lower-case kebab-case slugs (`cyber-essentials-plus`, `iso-27001`); any such slug is accepted. */
export const CERTIFICATION_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Lists in requests hold at most this many items. */
export const MAX_LIST_ITEMS = 100;

/** The largest amount of money accepted, in pence (£90 trillion: beyond any public contract, within JSON's exact integers). */
export const MAX_PENCE = Number.MAX_SAFE_INTEGER;
