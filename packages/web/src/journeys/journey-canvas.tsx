import '@xyflow/react/dist/style.css';
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  type Connection,
  Controls,
  type EdgeChange,
  MarkerType,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { useEffect } from 'react';
import { ENTRY_NODE_ID, type JourneyDraft, type JourneyNode, newEdge } from './journey-graph';
import { JOURNEY_NODE_TYPES } from './journey-nodes';

type JourneyCanvasProps = {
  draft: JourneyDraft;
  onChange: (change: (draft: JourneyDraft) => JourneyDraft) => void;
  readOnly?: boolean;
};

const FIT_VIEW = { padding: 0.2, maxZoom: 1 };
const EDGE_DEFAULTS = { markerEnd: { type: MarkerType.ArrowClosed }, style: { strokeWidth: 1.5 } };

/** The journey drawn: drag nodes, connect a handle to a step, select a node to configure it. */
export function JourneyCanvas({ draft, onChange, readOnly = false }: JourneyCanvasProps) {
  const flow = useReactFlow<JourneyNode>();
  const nodeCount = draft.nodes.length;
  // A step added or removed: the whole journey back in view, once the new node is measured.
  useEffect(() => {
    if (nodeCount === 0) return;
    const timer = setTimeout(() => void flow.fitView(FIT_VIEW), 50);
    return () => clearTimeout(timer);
  }, [nodeCount, flow]);
  const onNodesChange = (changes: NodeChange<JourneyNode>[]) =>
    onChange((current) => {
      const nodes = applyNodeChanges(changes, current.nodes);
      const ids = new Set(nodes.map((n) => n.id));
      // A removed step takes its links with it.
      return {
        ...current,
        nodes,
        edges: current.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
      };
    });
  const onEdgesChange = (changes: EdgeChange[]) =>
    onChange((current) => ({ ...current, edges: applyEdgeChanges(changes, current.edges) }));
  const onConnect = (connection: Connection) =>
    onChange((current) => {
      const handle = connection.sourceHandle ?? 'next';
      if (connection.target === connection.source || connection.target === ENTRY_NODE_ID) return current;
      // A handle leads to one step: a new link replaces the old one.
      const edges = current.edges.filter(
        (e) => !(e.source === connection.source && e.sourceHandle === handle),
      );
      return { ...current, edges: [...edges, newEdge(connection.source, handle, connection.target)] };
    });
  return (
    <ReactFlow<JourneyNode>
      nodes={draft.nodes}
      edges={draft.edges}
      nodeTypes={JOURNEY_NODE_TYPES}
      defaultEdgeOptions={EDGE_DEFAULTS}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={onConnect}
      nodesDraggable={!readOnly}
      nodesConnectable={!readOnly}
      deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
      fitView
      fitViewOptions={FIT_VIEW}
      minZoom={0.2}
      proOptions={{ hideAttribution: true }}
      aria-label="Journey canvas"
    >
      <Background gap={20} />
      <Controls showInteractive={false} />
      <MiniMap pannable zoomable style={{ width: 140, height: 90 }} />
    </ReactFlow>
  );
}
