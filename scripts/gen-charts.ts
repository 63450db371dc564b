/**
 * Generates docs/statechart.md: the parent UIA chart and each stage chart as Mermaid
 * `stateDiagram-v2` diagrams, read from the machine definitions themselves (state nodes,
 * transitions, `always`, `after` delays, invoke `onDone`/`onError`, guards as labels), so the
 * drawing cannot drift from the code.
 *
 *   tsx scripts/gen-charts.ts          rewrite docs/statechart.md
 *   tsx scripts/gen-charts.ts --check  exit 1 when the committed file is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { uiaMachine } from '../machines/uia.machine';
import {
  dummyStageMachine,
  emailStageMachine,
  fallbackStageMachine,
  msisdnStageMachine,
  oauthStageMachine,
  passwordStageMachine,
  recaptchaStageMachine,
  registrationTokenStageMachine,
  termsStageMachine,
} from '../machines/stages';

/** Where the generated document lives. */
export const STATECHART_DOC = resolve(__dirname, '../docs/statechart.md');

/** The charts drawn, in order, with the prose shown above each. */
const CHARTS: { title: string; machine: AnyStateMachine; prose: string }[] = [
  {
    title: 'Parent chart (`machines/uia.machine.ts`)',
    machine: uiaMachine,
    prose:
      'The negotiation: the first request, the stage loop (`awaitingStage` ⇄ `submitting`), background `polling` for out-of-band stages, 429 waits in `rateLimited`, and the finals. `routing` is transient: it applies the flow choice to the latest 401. Transitions drawn from "any state" are declared on the root (`CANCEL`, `STAGE.FAIL`); stage user events are forwarded to the open stage without a transition. `requesting`, `submitting` and `rateLimited` carry the `busy` tag.',
  },
  { title: 'm.login.dummy', machine: dummyStageMachine, prose: 'Submits itself on entry; a refusal waits for `STAGE.RETRY` rather than looping.' },
  { title: 'm.login.password', machine: passwordStageMachine, prose: 'Waits for the password; a wrong one comes back as `PARENT.REJECTED` with the error, and the stage accepts input again.' },
  {
    title: 'm.login.email.identity',
    machine: emailStageMachine,
    prose: 'Requests the validation email only when the stage becomes current (or resumes with a known sid), then waits while the parent polls with `threepid_creds`. A 401 `M_UNAUTHORIZED` to a check means "not validated yet".',
  },
  { title: 'm.login.msisdn', machine: msisdnStageMachine, prose: 'Requests the SMS, waits for the code, submits it (to `submit_url` when given), then submits `threepid_creds`.' },
  { title: 'm.login.recaptcha', machine: recaptchaStageMachine, prose: 'Exposes the site key and waits for the captcha response.' },
  { title: 'm.login.terms', machine: termsStageMachine, prose: 'Lists the policies; submits once every one is accepted. Invalid params fail the negotiation.' },
  {
    title: 'm.login.registration_token',
    machine: registrationTokenStageMachine,
    prose: 'Takes the token from the app or the user, optionally checks its validity, and submits it; an invalid token is shown on the stage.',
  },
  { title: 'Fallback (m.login.sso and unsupported stages)', machine: fallbackStageMachine, prose: "Exposes the homeserver's fallback page; the parent polls with `{session}` until the page reports done." },
  { title: 'm.oauth / org.matrix.cross_signing_reset', machine: oauthStageMachine, prose: 'Exposes `params.url`; the parent polls with `{session}` until the action is approved.' },
];

/** A Mermaid-safe identifier for a state node. */
function mid(node: AnyStateNode): string {
  return node.path.length ? node.path.join('_') : 'root';
}

/** A readable label for an event type. */
function eventLabel(type: string): string {
  if (type === '') return 'always';
  let m = /^xstate\.done\.actor\.(.+)$/.exec(type);
  if (m) return `${m[1]} done`;
  m = /^xstate\.error\.actor\.(.+)$/.exec(type);
  if (m) return `${m[1]} error`;
  m = /^xstate\.after\.([^.]+)\./.exec(type);
  if (m) return `after ${m[1]}`;
  return type;
}

function guardLabel(guard: unknown): string {
  if (!guard) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'guard';
}

/** Every transition of a node with a target, in declaration order. */
function edges(node: AnyStateNode): { event: string; guard: string; targets: AnyStateNode[] }[] {
  const out: { event: string; guard: string; targets: AnyStateNode[] }[] = [];
  const seen = new Set<unknown>();
  const add = (ts: readonly { eventType: string; guard?: unknown; target?: readonly AnyStateNode[] }[] | undefined) => {
    for (const t of ts ?? []) {
      if (seen.has(t) || !t.target?.length) continue;
      seen.add(t);
      out.push({ event: eventLabel(t.eventType), guard: guardLabel(t.guard), targets: [...t.target] });
    }
  };
  for (const ts of (node.transitions as Map<string, { eventType: string; guard?: unknown; target?: AnyStateNode[] }[]>).values()) add(ts);
  add(node.always as never);
  return out;
}

function label(e: { event: string; guard: string }): string {
  // Mermaid reads ':' as the label separator and ';' as a statement end.
  return (e.guard ? `${e.event} [${e.guard}]` : e.event).replace(/[:;]/g, ' ');
}

/** The Mermaid source of one machine. */
export function machineToMermaid(machine: AnyStateMachine): string {
  const lines: string[] = ['stateDiagram-v2'];
  const root = machine.root as AnyStateNode;
  const walk = (node: AnyStateNode, indent: string) => {
    const children = Object.values(node.states as Record<string, AnyStateNode>);
    const initial = node.initial?.target?.[0];
    if (initial) lines.push(`${indent}[*] --> ${mid(initial)}`);
    for (const child of children) {
      const tags = [...(child.tags ?? [])];
      const name = tags.length ? `${child.key} (${tags.join(', ')})` : child.key;
      const sub = Object.keys(child.states).length > 0;
      if (sub) {
        lines.push(`${indent}state "${name}" as ${mid(child)} {`);
        walk(child, indent + '  ');
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}state "${name}" as ${mid(child)}`);
      }
      if (child.type === 'final') lines.push(`${indent}${mid(child)} --> [*]`);
    }
    for (const child of children) {
      for (const e of edges(child)) for (const t of e.targets) lines.push(`${indent}${mid(child)} --> ${mid(t)} : ${label(e)}`);
    }
  };
  walk(root, '  ');
  const rootEdges = edges(root);
  if (rootEdges.length) {
    lines.push('  state "any state" as any_state');
    for (const e of rootEdges) for (const t of e.targets) lines.push(`  any_state --> ${mid(t)} : ${label(e)}`);
  }
  return lines.join('\n');
}

/** The whole document. */
export function generateStatechartDoc(): string {
  const parts = [
    '# Statecharts',
    '',
    '<!-- Generated by scripts/gen-charts.ts from the machine definitions. Do not edit by hand: run `npm run docs:charts`. -->',
    '',
    'Each diagram is drawn from the machine itself: states with their tags, every transition with a target, `always` (transient) transitions, `after` delays, invoked actors\' `done`/`error` events, and guards in brackets. See [architecture.md](architecture.md) for the events and the contracts.',
  ];
  for (const c of CHARTS) {
    parts.push('', `## ${c.title}`, '', c.prose, '', '```mermaid', machineToMermaid(c.machine), '```');
  }
  return parts.join('\n') + '\n';
}

function main(argv: string[]): number {
  const doc = generateStatechartDoc();
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(STATECHART_DOC, 'utf8');
    } catch {
      // A missing file is out of date too.
    }
    if (current !== doc) {
      process.stderr.write('docs/statechart.md is out of date: run `npm run docs:charts`\n');
      return 1;
    }
    return 0;
  }
  writeFileSync(STATECHART_DOC, doc);
  process.stdout.write(`wrote ${STATECHART_DOC}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
