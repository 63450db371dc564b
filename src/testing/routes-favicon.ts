/**
 * `GET /favicon.ico`: browsers ask for it whenever they show one of the simulator's pages (a
 * fallback page in a popup, the m.oauth approval page, an email link). A 404 there puts an
 * error in every browser test's console, so the simulator answers with a small SVG icon.
 */
import type { SimResponse } from './http-types';
import { route, type Route } from './router';

/** The icon: a dark square with a white "M". */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b5d4b"/><path d="M3 12V4h2l3 4 3-4h2v8h-2V7.5L8 11 5 7.5V12z" fill="#fff"/></svg>';

function favicon(): SimResponse {
  return { status: 200, headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' }, body: FAVICON_SVG };
}

/** The routes of this file. */
export const faviconRoutes: Route[] = [route('GET', '/favicon.ico', [''], favicon)];
