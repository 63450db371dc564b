/**
 * The demo page's pure parts, without a browser: the human messages for each typed error
 * (docs/guides/errors.md) and the chart diagram's layout from the machine definitions.
 */
import { AbortedError, EndpointError, NetworkError, NoAuthFlowFoundError, RateLimitedError, StageError, TimeoutError, stageMachines, uiaMachine } from 'matrix-uia';
import { humanMessage, stageMessage } from '../../demo/app/messages';
import { activeIds, activeLeaf, chartTree, layers, nextStates, transitionsIn } from '../../demo/app/chart-tree';

describe('humanMessage', () => {
  test.each([
    ['That username is taken', new EndpointError(400, { errcode: 'M_USER_IN_USE', error: 'User ID already taken.' })],
    ['You are signed out', new EndpointError(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.' })],
    ['That username is not allowed', new EndpointError(400, { errcode: 'M_INVALID_USERNAME', error: 'bad' })],
    ['The server refused', new EndpointError(500, { errcode: 'M_UNKNOWN', error: 'boom' })],
    ['Could not reach the server', new NetworkError(new TypeError('fetch failed'))],
    ['Too many attempts', new RateLimitedError(3000, 2)],
    ['Cancelled', new AbortedError()],
    ['We stopped waiting', new TimeoutError()],
    ['An email address is needed', new NoAuthFlowFoundError('No appropriate authentication flow found', [], [{ stages: ['m.login.registration_token', 'm.login.email.identity'] }])],
    ['This server asks for something this page cannot do', new NoAuthFlowFoundError('No appropriate authentication flow found', [], [{ stages: ['m.login.foo'] }])],
  ] as const)('"%s"', (title, error) => {
    const m = humanMessage(error);
    expect(m.title).toBe(title);
    // The end user's words carry neither the errcode nor the protocol's name; the detail keeps them.
    expect(`${m.title} ${m.text}`).not.toMatch(/M_[A-Z_]+|User-interactive|UIA|\d{3} /);
    expect(m.detail).toBe(error.message);
  });

  test('the rate limit says how long to wait', () => {
    expect(humanMessage(new RateLimitedError(3000, 2)).text).toContain('Wait 3 seconds');
  });

  test('a stage error shows the server text, or a plain sentence for a wrong password', () => {
    expect(stageMessage(new StageError('m.login.password', 'M_FORBIDDEN', 'Invalid username or password'))).toBe('That password is not correct. Try again.');
    expect(stageMessage(new StageError('m.login.recaptcha', 'M_UNAUTHORIZED', 'Captcha authentication failed'))).toBe('Captcha authentication failed');
    expect(stageMessage(new NetworkError(new TypeError('fetch failed')))).toBe('Could not reach the server. Check your connection, then try again.');
  });

  test('anything else still gets words', () => {
    expect(humanMessage('weird').title).toBe('Something went wrong');
  });
});

describe('chart diagram', () => {
  const tree = chartTree(uiaMachine);
  test('the parent chart in rows: the initial state first, the final states last', () => {
    expect(layers(tree).map((r) => r.map((n) => n.key))).toEqual([
      ['idle'],
      ['requesting', 'routing'],
      ['rateLimited', 'awaitingStage', 'submitting', 'polling'],
      ['done', 'failed', 'cancelled'],
    ]);
    const polling = tree.children.find((c) => c.key === 'polling')!;
    expect(layers(polling).map((r) => r.map((n) => n.key))).toEqual([['waiting'], ['paused', 'checking']]);
  });

  test('every stage chart is laid out with all its states', () => {
    for (const m of Object.values(stageMachines)) {
      const t = chartTree(m);
      expect(layers(t).flat().map((n) => n.id).sort()).toEqual(t.children.map((c) => c.id).sort());
    }
  });

  test('the current state, where it can go, and the transitions that apply in it', () => {
    const active = activeIds(tree.id, { polling: 'waiting' });
    expect(activeLeaf(tree, active)!.id).toBe('uia.polling.waiting');
    const groups = transitionsIn(tree, 'uia.polling.waiting').map((g) => g.from.id);
    expect(groups).toEqual(['uia.polling.waiting', 'uia.polling', 'uia']);
    expect(nextStates(tree, 'uia.polling.waiting')).toContain('uia.polling.checking');
    // A final state of the machine: nothing applies any more.
    expect(transitionsIn(tree, 'uia.done')).toEqual([]);
    expect(activeLeaf(tree, new Set())).toBeNull();
  });
});
