/**
 * The chart panel: the parent UIA chart and the open stage's chart, drawn from their definitions
 * as diagrams read top to bottom (the initial state first, then the states reached from it, the
 * final states last). The state the negotiation is in is filled dark and marked "now"; the states
 * it can go to next are outlined. Any state can be picked to list its transitions; by default the
 * list shows those of the current state.
 */
import { useSelector } from '@xstate/react';
import { useEffect, useMemo, useState } from 'react';
import type { AnyActorRef, AnyStateMachine } from 'xstate';
import { stageMachines, uiaMachine, selectStageRef, type StageKind, type UiaSnapshot } from 'matrix-uia';
import { activeIds, activeLeaf, chartTree, layers, nextStates, transitionsIn, type ChartNode } from './chart-tree';

const STAGE_MACHINES: Record<StageKind, AnyStateMachine> = stageMachines;

/**
 * The parent's forwarded stage events (`PASSWORD.*`, ..., `STAGE.RETRY`: the root's transitions
 * whose action is `forwardToStage`), read from the chart so the two cannot disagree: drawn once as
 * a note, not on every state.
 */
const FORWARDED = new Set(
  Object.entries(uiaMachine.root.on as Record<string, Array<{ actions: readonly unknown[] }>>)
    .filter(([, list]) => list.some((t) => t.actions.includes('forwardToStage')))
    .map(([type]) => type),
);

const PARENT_TREE = chartTree(uiaMachine, FORWARDED);

function short(id: string): string {
  return id.split('.').slice(1).join('.') || id;
}

interface DiagramProps {
  /** Prefix of element ids (two diagrams on the page). */
  name: string;
  root: ChartNode;
  active: ReadonlySet<string>;
  leaf: ChartNode | null;
  next: ReadonlySet<string>;
  selected: string | null;
  onSelect: (id: string) => void;
}

function StateNode({ node, props }: { node: ChartNode; props: DiagramProps }) {
  const isLeaf = props.leaf?.id === node.id;
  const inside = !isLeaf && props.active.has(node.id);
  const cls = ['node', `node-${node.kind}`, isLeaf ? 'now' : '', inside ? 'within' : '', props.next.has(node.id) ? 'next' : '', props.selected === node.id ? 'picked' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <li className={cls} data-state={node.id} {...(isLeaf || inside ? { 'data-active': 'true' } : {})}>
      <button
        type="button"
        className="node-head"
        aria-pressed={props.selected === node.id}
        aria-current={isLeaf ? 'step' : undefined}
        onClick={() => props.onSelect(node.id)}
        title={`Show the transitions of ${node.key}`}
      >
        {isLeaf && <span className="now-mark">now</span>}
        <span className="node-name">{node.key}</span>
        {node.kind === 'final' && <span className="chip">final</span>}
        {node.tags.map((t) => (
          <span key={t} className="chip tag">
            {t}
          </span>
        ))}
        {props.next.has(node.id) && <span className="sr-only"> (can come next)</span>}
      </button>
      {node.children.length > 0 && <Rows parent={node} props={props} />}
    </li>
  );
}

function Rows({ parent, props }: { parent: ChartNode; props: DiagramProps }) {
  return (
    <ol className="rows">
      {layers(parent).map((row, i) => (
        <li key={i} className="row-of-states">
          <ul className="row-states">
            {row.map((n) => (
              <StateNode key={n.id} node={n} props={props} />
            ))}
          </ul>
        </li>
      ))}
    </ol>
  );
}

/** The transitions of the picked state (own and inherited). */
function Transitions({ root, id, forwarded }: { root: ChartNode; id: string; forwarded: boolean }) {
  const groups = transitionsIn(root, id);
  return (
    <div className="transitions" data-testid="transitions">
      <h3 className="transitions-title">
        From <code>{short(id) || id}</code>
      </h3>
      {groups.length === 0 && <p className="hint">No transitions: a final state.</p>}
      {groups.map((g) => (
        <div key={g.from.id}>
          {g.from.id !== id && <p className="inherited">and, {g.from.id === root.id ? 'in any state' : `anywhere in ${g.from.key}`}:</p>}
          <ul>
            {g.edges.map((e, i) => (
              <li key={i}>
                <code className="event">{e.label}</code>
                {e.guard && <span className="guard"> if {e.guard}</span>}
                {e.targets.length > 0 ? <> → {e.targets.map(short).join(', ')}</> : <span className="hint"> (stays)</span>}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {forwarded && <p className="hint">Stage events (PASSWORD.SUBMIT, EMAIL.CHECK, …) are accepted in any state and passed to the stage.</p>}
    </div>
  );
}

function Diagram({ name, label, root, active, value }: { name: string; label: string; root: ChartNode; active: ReadonlySet<string>; value: unknown }) {
  const leaf = activeLeaf(root, active);
  const [picked, setPicked] = useState<string | null>(null);
  // A move of the chart shows the new state's transitions again.
  const leafId = leaf?.id ?? null;
  useEffect(() => setPicked(null), [leafId]);
  const next = useMemo(() => (leafId ? nextStates(root, leafId) : new Set<string>()), [root, leafId]);
  const shown = picked ?? leafId;
  const props: DiagramProps = { name, root, active, leaf, next, selected: shown, onSelect: setPicked };
  return (
    <figure className="diagram" aria-label={label} data-diagram={name}>
      <figcaption>
        {label}
        {value !== undefined && (
          <>
            {' '}
            — <code data-testid={`${name}-state`}>{JSON.stringify(value)}</code>
          </>
        )}
      </figcaption>
      <div className="machine">
        <span className="machine-name">{root.key}</span>
        <Rows parent={root} props={props} />
      </div>
      {shown && <Transitions root={root} id={shown} forwarded={name === 'parent'} />}
    </figure>
  );
}

const NO_ACTOR = undefined as AnyActorRef | undefined;

/** Draws both charts; `actor` is the running negotiation, if any; `note` says more about where it is. */
export function ChartPanel({ actor, note }: { actor: AnyActorRef | null; note?: string | null }) {
  const snapshot = useSelector(actor ?? NO_ACTOR, (s) => s as UiaSnapshot | undefined);
  const stageRef = snapshot ? selectStageRef(snapshot) : undefined;
  const stageSnapshot = useSelector(stageRef, (s) => s as { value: unknown } | undefined);
  const kind = snapshot?.context.stageKind ?? null;
  const stageTree = useMemo(() => (kind ? chartTree(STAGE_MACHINES[kind]) : null), [kind]);
  const parentActive = snapshot ? activeIds(PARENT_TREE.id, snapshot.value) : new Set<string>();
  const stageActive = stageTree && stageSnapshot ? activeIds(stageTree.id, stageSnapshot.value) : new Set<string>();
  const parentLeaf = activeLeaf(PARENT_TREE, parentActive);

  return (
    <section className="panel chart-panel" aria-labelledby="chart-title">
      <h2 id="chart-title">Statechart</h2>
      <p className="chart-now" data-testid="chart-now">
        {parentLeaf ? (
          <>
            Now in <strong>{short(parentLeaf.id)}</strong>
            {stageTree && stageSnapshot && (
              <>
                , stage <strong>{kind}</strong> in <strong>{JSON.stringify(stageSnapshot.value).replace(/"/g, '')}</strong>
              </>
            )}
            .{note ? <> {note}</> : null}
          </>
        ) : (
          'Not running: start an operation to see where the negotiation is.'
        )}
      </p>
      <div className="charts">
        <Diagram name="parent" label="Parent chart" root={PARENT_TREE} active={parentActive} value={snapshot?.value} />
        {stageTree ? (
          <Diagram key={kind} name="stage" label={`Stage chart: ${kind}`} root={stageTree} active={stageActive} value={stageSnapshot?.value ?? null} />
        ) : (
          <p className="hint">Stage chart: no stage open.</p>
        )}
      </div>
    </section>
  );
}
