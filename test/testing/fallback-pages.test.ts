/**
 * The fallback pages: their forms per stage, escaping of session ids, the "done" script (run
 * against a fake window to check it calls onAuthDone or posts "authDone" to the opener), and the
 * error pages.
 */
import { AUTH_DONE_SCRIPT } from '../../src/testing';
import { fallbackDonePage, fallbackFormPage } from '../../src/testing/fallback-pages';
import { harness, postForm, V3, type Harness } from './support';

function runDoneScript(html: string, window: Record<string, unknown>): void {
  const script = /<script>\n([\s\S]*?)\n<\/script>/.exec(html)![1]!;
  new Function('window', script)(window);
}

describe('fallback page markup', () => {
  it('escapes the session id in attributes and URL-encodes it in the form action', () => {
    const evil = '"><script>alert(1)</script>&x=1';
    const html = fallbackFormPage('m.login.sso', { path: '/_matrix/client/v3/auth/m.login.sso/fallback/web', session: evil }, {});
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;x=1"');
    expect(html).toContain(`action="/_matrix/client/v3/auth/m.login.sso/fallback/web?session=${encodeURIComponent(evil).replace(/&/g, '&amp;')}"`);
  });

  it('escapes policy names and URLs on the terms page', () => {
    const html = fallbackFormPage(
      'm.login.terms',
      { path: '/p', session: 's' },
      { policies: { tos: { version: '2', en: { name: 'Terms <b>', url: 'https://example.org/?a=1&b="2"' } } } },
    );
    expect(html).toContain('Terms &lt;b&gt;');
    expect(html).toContain('href="https://example.org/?a=1&amp;b=&quot;2&quot;"');
    expect(html).toContain('type="checkbox" name="accept"');
  });

  it('has the spec\'s done script: onAuthDone first, else postMessage("authDone", "*") to the opener', () => {
    const html = fallbackDonePage();
    expect(html).toContain(AUTH_DONE_SCRIPT);
    const onAuthDone = jest.fn();
    const postMessage = jest.fn();
    runDoneScript(html, { onAuthDone, opener: { postMessage } });
    expect(onAuthDone).toHaveBeenCalledTimes(1);
    expect(postMessage).not.toHaveBeenCalled();
    runDoneScript(html, { opener: { postMessage } });
    expect(postMessage).toHaveBeenCalledWith('authDone', '*');
    expect(() => runDoneScript(html, {})).not.toThrow();
  });
});

describe('fallback pages served', () => {
  let h: Harness;
  afterEach(async () => h.close());
  const flows = [['m.login.recaptcha', 'm.login.terms', 'm.login.registration_token', 'com.example.custom']];

  async function open(stage: string, session: string) {
    return h.open(`${h.base}${V3}/auth/${encodeURIComponent(stage)}/fallback/web?session=${encodeURIComponent(session)}`);
  }

  it('completes recaptcha, terms, registration token and a custom stage in order; GET after done shows the done page', async () => {
    h = await harness('http', { endpoints: { register: { flows } }, registrationTokens: [{ token: 'tok' }] });
    const session: string = (await h.call('POST', `${V3}/register`, { username: 'ann', password: 'pw' })).body.session;
    const url = (stage: string) => `${h.base}${V3}/auth/${stage}/fallback/web?session=${session}`;

    const outOfOrder = await open('m.login.terms', session);
    expect(outOfOrder.status).toBe(400);
    expect(outOfOrder.text).toContain('Complete the stages before m.login.terms first');

    expect((await postForm(h, url('m.login.recaptcha'), { session, response: 'ok' })).text).toContain(AUTH_DONE_SCRIPT);
    expect((await open('m.login.recaptcha', session)).text).toContain(AUTH_DONE_SCRIPT);

    const termsPage = await open('m.login.terms', session);
    expect(termsPage.text).toContain(`${h.base}/_simulator/policy?name=privacy_policy&amp;v=1.0`);
    expect((await postForm(h, url('m.login.terms'), { session })).text).toContain('Please accept the policies');
    expect((await postForm(h, url('m.login.terms'), { session, accept: 'yes' })).text).toContain(AUTH_DONE_SCRIPT);

    expect((await postForm(h, url('m.login.registration_token'), { session, token: 'wrong' })).text).toContain('Invalid registration token');
    expect((await postForm(h, url('m.login.registration_token'), { session, token: 'tok' })).text).toContain(AUTH_DONE_SCRIPT);

    expect((await open('com.example.custom', session)).text).toContain('>Continue</button>');
    expect((await postForm(h, url('com.example.custom'), { session })).text).toContain(AUTH_DONE_SCRIPT);

    const poll = await h.call('POST', `${V3}/register`, { username: 'ann', password: 'pw', auth: { session } });
    expect(poll.body.user_id).toBe('@ann:localhost');
    expect(h.hs.registrationTokens.get('tok')).toMatchObject({ completed: 1, pending: 0 });
  });

  it('answers error pages for unknown sessions, stages not offered, email stages; escapes the reason', async () => {
    h = await harness('in-process', { endpoints: { register: { flows: [['m.login.email.identity']] } } });
    const unknown = await open('m.login.sso', '<img src=x>');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Unknown session ID: &lt;img src=x&gt;');
    const session: string = (await h.call('POST', `${V3}/register`, {})).body.session;
    expect((await open('m.login.sso', session)).text).toContain('not offered');
    expect((await open('m.login.email.identity', session)).status).toBe(400);
    expect((await h.open(`${h.base}${V3}/auth/m.login.sso/fallback/web`)).status).toBe(400);
  });

  it('the password fallback checks the password of the session user', async () => {
    h = await harness('in-process', {
      users: [{ userId: 'amy', password: 'pw', devices: [{ deviceId: 'D', accessToken: 'tok' }, 'E'] }],
    });
    const session: string = (await h.call('DELETE', `${V3}/devices/E`, {}, 'tok')).body.session;
    const url = `${h.base}${V3}/auth/m.login.password/fallback/web?session=${session}`;
    expect((await postForm(h, url, { session, password: 'bad' })).text).toContain('Invalid username or password');
    expect((await postForm(h, url, { session, password: 'pw' })).text).toContain(AUTH_DONE_SCRIPT);
    expect((await h.call('DELETE', `${V3}/devices/E`, { auth: { session } }, 'tok')).status).toBe(200);
  });
});
