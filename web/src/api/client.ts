import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { currentToken, signOut } from './session';

export type Schemas = components['schemas'];
export type Asset = Schemas['AssetResponseDto'];
export type Job = Schemas['JobResponseDto'];
export type JobStatus = Schemas['JobStatusResponseDto'];
export type Model = Schemas['ModelResponseDto'];
export type Collection = Schemas['CollectionResponseDto'];
export type ApiError = Schemas['ErrorResponseDto'];
export type AssetQuery = NonNullable<paths['/api/creative/assets']['get']['parameters']['query']>;

/** Every call carries the session's bearer token; a 401 ends the session, which shows the sign-in page. */
const auth: Middleware = {
  onRequest({ request }) {
    const token = currentToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) signOut();
    return response;
  },
};

/** The typed client of the service's own contract (types generated from openapi.json by `npm run web:client`). */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/** The message of an error answer in the contract's shape, else a generic one. */
export function messageOf(error: unknown): string {
  const body = error as Partial<ApiError> | undefined;
  return typeof body?.message === 'string' ? body.message : 'Something went wrong; try again.';
}

/** Unwraps an openapi-fetch result: the data, or an Error carrying the contract's message. */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (error !== undefined || data === undefined) throw new Error(error ? messageOf(error) : `HTTP ${response.status}`);
  return data;
}
