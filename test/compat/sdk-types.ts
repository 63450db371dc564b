/**
 * Type-level check (compiled by `npm run typecheck`, so CI): the adapter's types against every
 * matrix-js-sdk the optional peer range `>=37.0.0 <44.0.0` allows, at its ends as installed here
 * (37.5.0 as `matrix-js-sdk`, 43.0.0 as `matrix-js-sdk-43`), and the reason the range starts at
 * 37: before it, `UIAuthCallback`'s `makeRequest` resolved with `UIAResponse<T>` (36.2.0 as
 * `matrix-js-sdk-36`), which `createUIAuthCallback` does not produce.
 */
import type { AuthDict as AuthDict37, MatrixClient as MatrixClient37, UIAuthCallback as UIAuthCallback37 } from 'matrix-js-sdk';
import type { AuthDict as AuthDict43, MatrixClient as MatrixClient43, UIAuthCallback as UIAuthCallback43 } from 'matrix-js-sdk-43';
import type { UIAuthCallback as UIAuthCallback36 } from 'matrix-js-sdk-36';
import { createUIAuthCallback, fallbackUrlFor, requestFromMatrixCall, type MatrixClientLike } from 'matrix-uia/matrix-js-sdk';
import type { AuthDict } from 'matrix-uia';

type Keys = { master_key: object };
declare const client37: MatrixClient37;
declare const client43: MatrixClient43;

export const ours = createUIAuthCallback<Keys>({ client: client37, password: () => 'secret' });

// 37 and 43: the callback is the SDK's own type, the SDK's client is a MatrixClientLike.
export const cb37: UIAuthCallback37<Keys> = ours;
export const cb43: UIAuthCallback43<Keys> = createUIAuthCallback<Keys>({ client: client43, password: () => 'secret' });
export const like37: MatrixClientLike = client37;
export const like43: MatrixClientLike = client43;
export const url43 = fallbackUrlFor(client43);

// An SDK AuthDict goes to our request functions and back.
export const fromSdk37 = (a: AuthDict37): AuthDict => a;
export const toSdk43 = (a: AuthDict): AuthDict43 => a;
export const request43 = requestFromMatrixCall((auth) => client43.deleteDevice('DEVICE', auth ?? undefined));

// 36: makeRequest resolved with UIAResponse<T>; our callback does not fit, hence the range's floor.
// @ts-expect-error UIAuthCallback changed in matrix-js-sdk 37
export const cb36: UIAuthCallback36<Keys> = ours;
