/**
 * Hardening: fallback and SSO page URLs.
 *
 * `getFallbackUrl` must keep any session id inside its `session` query parameter and any stage
 * type inside its path segment, whatever characters they hold (`&`, `#`, `/`, `?x=`, unicode),
 * and keep the homeserver's origin and path prefix. The m.login.sso stage (fallback machine)
 * exposes exactly that URL; an m.oauth page that is not http(s) is refused.
 */
import fc from 'fast-check';
import { createUiaActor } from '../../src/api/create-uia-machine';
import { ProtocolError } from '../../src/errors/errors';
import { getFallbackUrl } from '../../src/decisions/fallback-url';
import { selectExternalUrl } from '../../src/api/selectors';
import { checkProperty, Tally, propertyTimeout } from '../helpers/fuzz-report';
import { createFuzzServer } from '../helpers/fuzz-server';
import { stageMachines } from '../../machines/stages';

const oddPiece = fc.constantFrom('&', '#', '/', '?x=', '&session=evil', '%', '%2F', '..', ' ', '+', '=', 'é', '😀', '\u0000', '\\', '@', ':');
const oddString = fc.array(fc.oneof(oddPiece, fc.string({ unit: 'grapheme', maxLength: 6 })), { minLength: 1, maxLength: 6 }).map((a) => a.join('')).filter((s) => s.length > 0);
const homeserverArb = fc.constantFrom('https://hs.example.org', 'https://hs.example.org/', 'https://example.org/matrix/', 'http://127.0.0.1:8008', 'https://hs.example.org/?q=1#frag');

test('odd session ids and stage types stay inside their query parameter and path segment', async () => {
  const tally = new Tally();
  await checkProperty(
    fc.property(homeserverArb, oddString, fc.oneof(fc.constantFrom('m.login.sso', 'm.login.recaptcha', 'org.example.custom'), oddString).filter((t) => t !== '.' && t !== '..'), (hs, session, type) => {
      const url = new URL(getFallbackUrl(hs, type, session));
      const base = new URL(hs);
      tally.add('URLs built', 'count');
      if (/[&#/?]/.test(session)) tally.add('URLs built', 'session with & # / or ?');
      if (url.origin !== base.origin) throw new Error(`origin changed: ${url.origin}`);
      if ([...url.searchParams.keys()].join() !== 'session') throw new Error(`query keys: ${[...url.searchParams.keys()].join()}`);
      if (url.searchParams.get('session') !== session) throw new Error('session not kept intact');
      if (url.hash !== '') throw new Error(`hash: ${url.hash}`);
      const prefix = base.pathname.replace(/\/+$/, '');
      if (url.pathname !== `${prefix}/_matrix/client/v3/auth/${encodeURIComponent(type)}/fallback/web`) throw new Error(`path: ${url.pathname}`);
    }),
    { suite: 'fallback-url', property: 'getFallbackUrl keeps any session id inside ?session= and any stage type inside its path segment, on the homeserver origin and prefix', tried: 'session ids and stage types mixing &, #, /, ?x=, %, unicode, NUL and random graphemes; five homeserver URL shapes', tally },
  );
}, propertyTimeout());

test('the SSO stage exposes the fallback URL of its odd session, unaltered', async () => {
  const tally = new Tally();
  await checkProperty(
    fc.asyncProperty(oddString, async (session) => {
      const server = createFuzzServer({ answers: [{ kind: 'http', status: 401, body: { session, flows: [{ stages: ['m.login.sso'] }], params: {} } }] });
      const actor = createUiaActor({ stages: stageMachines, request: server.request, homeserverUrl: 'https://hs.example.org' });
      actor.start();
      actor.send({ type: 'START' });
      await new Promise((r) => setTimeout(r, 0));
      const snap = actor.getSnapshot();
      const url = selectExternalUrl(snap);
      actor.stop();
      tally.add('SSO sessions', 'count');
      if (snap.context.session !== session) throw new Error(`session ${JSON.stringify(session)} not taken: ${snap.value as string}`);
      if (url === null) throw new Error('no SSO URL');
      if (new URL(url).searchParams.get('session') !== session) throw new Error(`session not kept: ${url}`);
    }),
    { suite: 'fallback-url', property: 'An m.login.sso stage opens the fallback URL carrying its (odd) session unaltered', tried: 'odd session ids from a 401 offering only m.login.sso', tally, scale: 0.5 },
  );
}, propertyTimeout());

test('an m.oauth page that is not http(s) is refused with a ProtocolError', async () => {
  const tally = new Tally();
  await checkProperty(
    fc.asyncProperty(fc.oneof(fc.constantFrom('javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'vbscript:x', ''), fc.string({ maxLength: 20 }).filter((s) => !/^https?:/i.test(s))), async (pageUrl) => {
      const server = createFuzzServer({ answers: [{ kind: 'http', status: 401, body: { session: 'S', flows: [{ stages: ['m.oauth'] }], params: { 'm.oauth': { url: pageUrl } } } }] });
      const actor = createUiaActor({ stages: stageMachines, request: server.request });
      actor.start();
      actor.send({ type: 'START' });
      await new Promise((r) => setTimeout(r, 0));
      const out = actor.getSnapshot().output;
      actor.stop();
      tally.add('m.oauth URLs refused', 'count');
      if (!(out?.status === 'failed' && out.error instanceof ProtocolError)) throw new Error(`${pageUrl} not refused`);
    }),
    { suite: 'fallback-url', property: 'An m.oauth approval page that is not an http(s) URL is never exposed: the negotiation fails with ProtocolError', tried: 'javascript:, data:, file:, vbscript:, empty and random non-http strings', tally, scale: 0.25 },
  );
}, propertyTimeout());

test('dot-segment stage types are refused, never resolved to another page', () => {
  expect(() => getFallbackUrl('https://hs.example.org', '..', 'S')).toThrow(ProtocolError);
  expect(() => getFallbackUrl('https://hs.example.org', '.', 'S')).toThrow(ProtocolError);
});
