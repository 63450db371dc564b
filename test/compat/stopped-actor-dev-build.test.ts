/**
 * Issue 14 item 6, with XState's development build (`--conditions=development`): the class never
 * sends an event to its stopped chart, so XState prints no "sent to stopped actor" warning (which
 * would show the event, a password included).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

test('item 6: no event reaches the stopped chart under the development build (no warning, no password printed)', () => {
  const root = path.resolve(__dirname, '../..');
  const run = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', path.join(__dirname, 'stopped-actor-script.ts')], { cwd: root, encoding: 'utf8' });
  const out = `${run.stdout}\n${run.stderr}`;
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('DONE');
  expect(out).not.toMatch(/stopped actor/i);
  expect(out).not.toContain('pw-');
});
