/** The base path of every engine route (docs/ARCHITECTURE.md §8), for the controllers and for links in answers. */
export const API_BASE_PATH = 'api/creative';
