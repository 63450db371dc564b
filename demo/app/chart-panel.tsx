/**
 * The chart panel: the parent UIA chart and the open stage's chart, drawn from their
 * definitions, with the active states highlighted as the negotiation runs.
 */
import { useSelector } from '@xstate/react';
import { useMemo } from 'react';
import type { AnyActorRef, AnyStateMachine } from 'xstate';
import {
  stageMachines,
  uiaMachine,
  selectStageRef,
  type StageKind,
  type UiaSnapshot,
} from 'matrix-uia';
import { activeIds, chartTree, type ChartNode } from './chart-tree';

const STAGE_MACHINES: Record<StageKind, AnyStateMachine> = stageMachines;

/** The parent's forwarded stage events: drawn once as a note, not on every state. */
const FORWARDED = new Set([
  'PASSWORD.SUBMIT', 'RECAPTCHA.SUBMIT', 'TERMS.TOGGLE', 'TERMS.ACCEPT_ALL', 'TERMS.SUBMIT', 'TOKEN.SUBMIT',
  'EMAIL.SET_ADDRESS', 'EMAIL.RESEND', 'EMAIL.CHECK', 'MSISDN.RESEND', 'MSISDN.SUBMIT_CODE', 'FALLBACK.DONE',
  'OAUTH.DONE', 'STAGE.RETRY',
]);

const PARENT_TREE = chartTree(uiaMachine, FORWARDED);

function short(id: string): string {
  return id.split('.').slice(1).join('.') || id;
}

function StateBox({ node, active, depth }: { node: ChartNode; active: Set<string>; depth: number }) {
  const on = active.has(node.id);
  return (
    <li className={`state state-${node.kind}${on ? ' active' : ''}`} data-state={node.id} aria-current={on && node.children.length === 0 ? 'step' : undefined}>
      <div className="state-head">
        <span className="state-name">{depth === 0 ? `${node.key} (machine)` : node.key}</span>
        {node.kind === 'final' && <span className="chip">final</span>}
        {node.tags.map((t) => (
          <span key={t} className="chip tag">
            {t}
          </span>
        ))}
        {node.invokes.map((i) => (
          <span key={i} className="chip invoke">
            invokes {i}
          </span>
        ))}
      </div>
      {node.edges.length > 0 && (
        <ul className="edges">
          {node.edges.map((e, i) => (
            <li key={i}>
              <code>{e.label}</code>
              {e.guard && <span className="guard"> [{e.guard}]</span>}
              {e.targets.length > 0 && <span> → {e.targets.map(short).join(', ')}</span>}
            </li>
          ))}
        </ul>
      )}
      {node.children.length > 0 && (
        <ul className="states">
          {node.children.map((c) => (
            <StateBox key={c.id} node={c} active={active} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

const NO_ACTOR = undefined as AnyActorRef | undefined;

/** Draws both charts; `actor` is the running negotiation, if any. */
export function ChartPanel({ actor }: { actor: AnyActorRef | null }) {
  const snapshot = useSelector(actor ?? NO_ACTOR, (s) => s as UiaSnapshot | undefined);
  const stageRef = snapshot ? selectStageRef(snapshot) : undefined;
  const stageSnapshot = useSelector(stageRef, (s) => s as { value: unknown; machine?: AnyStateMachine } | undefined);
  const kind = snapshot?.context.stageKind ?? null;
  const stageTree = useMemo(() => (kind ? chartTree(STAGE_MACHINES[kind]) : null), [kind]);
  const parentActive = snapshot ? activeIds(PARENT_TREE.id, snapshot.value) : new Set<string>();
  const stageActive = stageTree && stageSnapshot ? activeIds(stageTree.id, stageSnapshot.value) : new Set<string>();

  return (
    <section className="panel chart-panel" aria-labelledby="chart-title">
      <h2 id="chart-title">Statechart</h2>
      <p className="hint">
        Drawn from the machine definitions; the highlighted states are the ones the running negotiation is in. Stage events
        (PASSWORD.SUBMIT, EMAIL.CHECK, …) are accepted anywhere on the parent and forwarded to the stage.
      </p>
      <div className="charts">
        <figure aria-label="Parent chart">
          <figcaption>
            Parent chart{snapshot ? <> — <code data-testid="parent-state">{JSON.stringify(snapshot.value)}</code></> : ' (not running)'}
          </figcaption>
          <ul className="states root">
            <StateBox node={PARENT_TREE} active={parentActive} depth={0} />
          </ul>
        </figure>
        <figure aria-label="Stage chart">
          <figcaption>
            {stageTree ? (
              <>
                Stage chart: <strong>{kind}</strong> — <code data-testid="stage-state">{JSON.stringify(stageSnapshot?.value ?? null)}</code>
              </>
            ) : (
              'Stage chart (no stage open)'
            )}
          </figcaption>
          {stageTree && (
            <ul className="states root">
              <StateBox node={stageTree} active={stageActive} depth={0} />
            </ul>
          )}
        </figure>
      </div>
    </section>
  );
}
