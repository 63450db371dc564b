/**
 * docs/statechart.md must be what scripts/gen-charts.ts draws from the machines today.
 */
import { readFileSync } from 'node:fs';
import { generateStatechartDoc, machineToMermaid, STATECHART_DOC } from '../../scripts/gen-charts';
import { uiaMachine } from '../../machines/uia.machine';
import { leafIds } from '../machines/graph';

test('the committed docs/statechart.md is up to date (run `npm run docs:charts`)', () => {
  expect(readFileSync(STATECHART_DOC, 'utf8')).toBe(generateStatechartDoc());
});

test('the parent diagram names every leaf state of the chart', () => {
  const mermaid = machineToMermaid(uiaMachine);
  for (const id of leafIds(uiaMachine)) expect(mermaid).toContain(` as ${id.split('.').slice(1).join('_')}`);
  expect(mermaid).toContain('routing --> failed : always [noFlow]');
  expect(mermaid).toContain('after rateLimitDelay');
});
