/**
 * `discoverAuthMetadata`: does this homeserver delegate authentication to an OAuth 2.0 server?
 *
 * `GET /_matrix/client/versions` first: with v1.15+ listed, the stable
 * `GET /_matrix/client/v1/auth_metadata`; without it, the unstable
 * `/_matrix/client/unstable/org.matrix.msc2965/auth_metadata` (Synapse serves both and lists
 * versions up to v1.12). A 404/405 `M_UNRECOGNIZED` (or any other 4xx but 429) is a legacy server.
 *
 * The answer is cached per homeserver URL and per fetch implementation: a client and its
 * `withAccessToken` copies share it, as do clients given the same `fetch`; one discovery per
 * client and server, not one per helper call. A fault (network, 429, 5xx) is not cached; the
 * next call asks again.
 */
import { authMetadataPaths, meansNoAuthMetadata, parseAuthMetadata, type AuthMetadata } from '../decisions/account-management';
import { AbortedError, EndpointError, NetworkError } from '../errors/errors';
import type { FetchLike, MatrixClient } from './client';
import { isMatrixHttpError } from './matrix-http-error';

/** Options of {@link discoverAuthMetadata}. */
export interface DiscoverAuthMetadataOptions {
  /** Aborts the discovery requests. */
  signal?: AbortSignal;
  /** Ask the server again instead of using the cached answer. */
  refresh?: boolean;
}

const cache = new WeakMap<FetchLike, Map<string, Promise<AuthMetadata | null>>>();
/** The answers of the cached promises that have resolved, readable without waiting for them. */
const answers = new WeakMap<Promise<AuthMetadata | null>, AuthMetadata | null>();

function cacheFor(client: MatrixClient): Map<string, Promise<AuthMetadata | null>> {
  let perFetch = cache.get(client.fetch);
  if (!perFetch) {
    perFetch = new Map();
    cache.set(client.fetch, perFetch);
  }
  return perFetch;
}

/**
 * The homeserver's auth metadata, or `null` for a server that does not delegate auth (a legacy
 * server, served by UIA). Cached per homeserver and fetch implementation.
 *
 * @throws `AbortedError` when `options.signal` aborts first; {@link NetworkError} when a discovery request got no answer; {@link EndpointError} for
 *   a 429 or 5xx answer (neither is cached).
 */
export function discoverAuthMetadata(client: MatrixClient, options: DiscoverAuthMetadataOptions = {}): Promise<AuthMetadata | null> {
  const perFetch = cacheFor(client);
  let pending = options.refresh ? undefined : perFetch.get(client.baseUrl);
  if (!pending) {
    // Shared by every caller, so no caller's signal aborts it: each caller stops waiting instead.
    const started = fetchAuthMetadata(client);
    pending = started;
    perFetch.set(client.baseUrl, started);
    // A fault is not an answer: forget it, so the next call asks again.
    started.then(
      (metadata) => void answers.set(started, metadata),
      () => {
        if (perFetch.get(client.baseUrl) === started) perFetch.delete(client.baseUrl);
      },
    );
  }
  return options.signal ? abortable(pending, options.signal) : pending;
}

/**
 * The cached answer for the client's homeserver when discovery has already answered (and no newer
 * discovery is under way); `undefined` otherwise. Lets an endpoint helper skip the wait (and its
 * microtask turns) on every call after the first.
 */
export function knownAuthMetadata(client: MatrixClient): AuthMetadata | null | undefined {
  const pending = cache.get(client.fetch)?.get(client.baseUrl);
  return pending ? answers.get(pending) : undefined;
}

/** `promise`, or an `AbortedError` as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new AbortedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Forgets the cached discovery answer for the client's homeserver (e.g. after a server upgrade). */
export function forgetAuthMetadata(client: MatrixClient): void {
  cache.get(client.fetch)?.delete(client.baseUrl);
}

/** Stores a known answer (from the app's own discovery, or a test) for the client's homeserver. */
export function rememberAuthMetadata(client: MatrixClient, metadata: AuthMetadata | null): void {
  const known = Promise.resolve(metadata);
  answers.set(known, metadata);
  cacheFor(client).set(client.baseUrl, known);
}

async function fetchAuthMetadata(client: MatrixClient): Promise<AuthMetadata | null> {
  const opts = { auth: false };
  let versions: unknown[] | null = null;
  try {
    const v = await client.request<{ versions?: unknown }>('GET', '/_matrix/client/versions', undefined, opts);
    versions = Array.isArray(v.versions) ? v.versions : null;
  } catch (e) {
    // Without /versions, try both paths; a transport fault is reported as such.
    if (!isMatrixHttpError(e)) throw new NetworkError(e);
  }
  for (const path of authMetadataPaths(versions)) {
    try {
      const body = await client.request<unknown>('GET', path, undefined, opts);
      return parseAuthMetadata(body);
    } catch (e) {
      if (!isMatrixHttpError(e)) throw new NetworkError(e);
      if (!meansNoAuthMetadata(e.httpStatus)) throw new EndpointError(e.httpStatus, e.data);
    }
  }
  return null;
}
