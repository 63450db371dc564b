/**
 * Generative differential test (issue 14 item 16): random server scripts × random app reactions
 * (submit with / without session, background submit, poll, nothing, throwing callbacks, calls
 * after the end), on a virtual clock, each case played through matrix-js-sdk 36.2.0, 43.0.0 and
 * matrix-uia's `InteractiveAuth` (harness: generative.ts).
 *
 * Properties, per case:
 * - the two matrix-js-sdk versions agree (so "what matrix-js-sdk does" is well defined);
 * - matrix-uia's log equals theirs, compared in segments (one per stateUpdated / outcome), up to
 *   where a difference listed in docs/migrating-from-matrix-js-sdk.md begins (`cutAt`), and with
 *   the options that restore matrix-js-sdk's behaviour where the doc names one;
 * - after attemptAuth() settled, matrix-uia calls nothing (but, in that same turn, the stage
 *   with the error and one closing busyChanged(false)), and busyChanged's last word is false;
 * - a callback that threw before the end ends it with a CallbackError naming that callback;
 * - nothing escapes matrix-uia (no unhandled rejection, no uncaught exception).
 *
 * A fixed seed in CI (`npm test`), FC_RUNS cases; `npm run test:fuzz` runs 5,000 × 3.
 */
import fc from 'fast-check';
import { CallbackError } from '../../src/errors/callback-error';
import { checkProperty, Tally, propertyTimeout } from '../helpers/fuzz-report';
import { AppCallbackError, canon, caseArb, comparable, cutAt, firstDifference, play, type Case, type Entry, type Run } from './generative';
import { loadInteractiveAuthSdk } from './load-sdk';

jest.setTimeout(600_000);

beforeAll(() => {
  loadInteractiveAuthSdk('36.2.0');
  loadInteractiveAuthSdk('43.0.0');
});

/** What matrix-uia called after settling, until the app calls it again: at most its last words. */
function afterTheEnd(r: Run): Entry[] {
  if (r.settleMark < 0) return [];
  const rest = r.log.slice(r.settleMark);
  const app = rest.findIndex((e) => e[0] === 'app');
  // requestEmailToken after the end is only ever the app's own requestEmailToken() call.
  return (app < 0 ? rest : rest.slice(0, app)).filter((e) => e[0] !== 'resolved' && e[0] !== 'rejected' && e[0] !== 'requestEmailToken');
}

/** Callbacks matrix-uia made after the app's own call after the end (that call's requestEmailToken aside). */
function afterAppCall(r: Run): Entry[] {
  const app = r.log.findIndex((e) => e[0] === 'app');
  if (app < 0) return [];
  return r.log.slice(app + 1).filter((e) => e[0] === 'stateUpdated' || e[0] === 'busyChanged' || e[0] === 'doRequest');
}

function tallyCase(t: Tally, c: Case, sdk: Run, cut: number): void {
  for (const a of c.answers) t.add('server answers', a.a.k);
  for (const r of c.reactions) t.add('app reactions', r.k);
  t.add('after the end', c.afterEnd);
  if (c.busyThrowsAt !== null) t.add('throwing callbacks', 'busyChanged');
  if (c.reactions.some((r) => r.k === 'throw')) t.add('throwing callbacks', 'stateUpdated');
  t.add('start', c.authData ? 'authData' : c.sessionId ? 'first request with session' : 'first request');
  const outcome = sdk.log[sdk.settledAt]?.[0];
  t.add('matrix-js-sdk outcome', outcome === undefined ? 'pending' : String(outcome));
  t.add('compared', cut === Infinity ? 'whole run' : 'up to a listed difference');
}

test('matrix-uia InteractiveAuth behaves as matrix-js-sdk 36.2.0 and 43.0.0 on generated cases', async () => {
  const tally = new Tally();
  await checkProperty(
    fc.asyncProperty(caseArb, async (c) => {
      const v36 = await play('36.2.0', c);
      const v43 = await play('43.0.0', c);
      const ours = await play('matrix-uia', c);
      const problems: string[] = [];
      const versions = firstDifference(comparable(v36), comparable(v43));
      if (versions) problems.push(`36.2.0 and 43.0.0 differ: ${canon(versions)}`);
      const cut = cutAt(v36, ours, c);
      tallyCase(tally, c, v36, cut);
      const d = cut < Infinity ? firstDifference(v36.log.slice(0, cut), ours.log.slice(0, cut)) : firstDifference(comparable(v36), comparable(ours));
      if (d) problems.push(`segment ${d.index}: matrix-js-sdk ${canon(d.a)} / matrix-uia ${canon(d.b)}`);
      if (ours.escaped.length) problems.push(`escaped: ${ours.escaped.map(String).join('; ')}`);
      const late = afterTheEnd(ours);
      const lastWords = late.filter((e) => e[0] === 'stateUpdated').length <= 1 && late.every((e) => e[0] === 'stateUpdated' || (e[0] === 'busyChanged' && e[1] === false));
      if (!lastWords || afterAppCall(ours).length > 0) problems.push(`called after the end: ${canon(late)} / ${canon(afterAppCall(ours))}`);
      const busy = ours.log.filter((e) => e[0] === 'busyChanged');
      const threwBusy = ours.threwAt >= 0 && ours.log[ours.threwAt]![0] === 'busyChanged';
      if (ours.settledAt >= 0 && busy.length > 0 && busy[busy.length - 1]![1] !== false && !threwBusy) problems.push('busyChanged(true) left open at the end');
      if (ours.threwAt >= 0 && (ours.settleMark < 0 || ours.threwAt < ours.settleMark)) {
        const e = ours.error;
        const name = ours.log[ours.threwAt]![0];
        if (!(e instanceof CallbackError) || e.callback !== name || !(e.cause instanceof AppCallbackError)) problems.push(`a throwing ${String(name)} did not end it with its CallbackError: ${String(e)}`);
      }
      if (problems.length) throw new Error(`${problems.join('\n')}\ncase: ${JSON.stringify(c)}\nsdk: ${canon(v36.log)}\nuia: ${canon(ours.log)}`);
    }),
    {
      suite: 'compat/generative-differential',
      property: 'InteractiveAuth: same calls as matrix-js-sdk 36.2.0 and 43.0.0 (up to listed differences); nothing after the end; throwing callbacks end it with CallbackError; nothing escapes',
      tried: 'generated flows, start (authData / first request / resumed session), server scripts (ok, UIA 401s with completed / errcode / new session / no flows, 401 {}, 400/403/500 with and without body, HTTPError 401, network error, 429), app reactions to each stateUpdated (submit with or without session, submit twice, background submit, poll, requestEmailToken, setEmailSid, throw, nothing; at once or a tick later), email answers, a throwing busyChanged, calls after the end',
      tally,
    },
  );
}, propertyTimeout());
