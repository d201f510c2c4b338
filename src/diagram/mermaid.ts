// The same picture as Mermaid (GitHub renders it inline in Markdown); Mermaid does its own layout.
import type { Cluster, Layout } from './layout.js';
import type { DiagramEdge, DiagramModel, DiagramNode } from './model.js';

export function toMermaid(model: DiagramModel, picture: Layout): string {
  const lines = [
    '%% Generated from templates/ by `npm run diagram`; do not edit.',
    'flowchart TB',
    ...picture.outside.map((node) => `  ${nodeStatement(node)}`),
    ...clusterLines(picture.root, '  '),
    ...model.edges.map((edge) => `  ${edgeStatement(edge)}`),
    ...classLines(model),
  ];
  return `${lines.join('\n')}\n`;
}

function clusterLines(cluster: Cluster, indent: string): string[] {
  return [
    `${indent}subgraph ${cluster.id}["${text(cluster.label)}"]`,
    ...cluster.nodes.map((node) => `${indent}  ${nodeStatement(node)}`),
    ...cluster.clusters.flatMap((child) => clusterLines(child, `${indent}  `)),
    `${indent}end`,
  ];
}

function nodeStatement(node: DiagramNode): string {
  const parts = [`<b>${text(node.title)}</b>`, ...node.details.map(text)];
  if (node.condition) parts.push(`<i>if ${text(node.condition)}</i>`);
  const label = `"${parts.join('<br/>')}"`;
  if (node.kind === 'internet') return `${node.id}((${label}))`;
  if (node.kind === 'database') return `${node.id}[(${label})]`;
  return `${node.id}[${label}]`;
}

function edgeStatement(edge: DiagramEdge): string {
  const arrow = edge.kind === 'connection' ? '-->' : '-.->';
  return edge.label
    ? `${edge.from} ${arrow}|"${text(edge.label)}"| ${edge.to}`
    : `${edge.from} ${arrow} ${edge.to}`;
}

function classLines(model: DiagramModel): string[] {
  const byStack = new Map<string, string[]>();
  for (const node of model.nodes)
    byStack.set(node.stack ?? 'outside', [...(byStack.get(node.stack ?? 'outside') ?? []), node.id]);
  const styles: Record<string, string> = {
    network: 'fill:#DCEFD9,stroke:#3B7D34',
    edge: 'fill:#FDE3C3,stroke:#B35F00',
    app: 'fill:#D3E6FA,stroke:#1F5FA8',
    data: 'fill:#E4DAF3,stroke:#5E3C99',
    outside: 'fill:#EEEEEE,stroke:#555555',
  };
  const conditional = model.nodes.filter((n) => n.condition).map((n) => n.id);
  return [
    ...[...byStack.entries()].flatMap(([stack, ids]) => [
      `  classDef ${stack}Stack ${styles[stack] ?? styles['outside']}`,
      `  class ${ids.join(',')} ${stack}Stack`,
    ]),
    ...(conditional.length > 0
      ? ['  classDef conditional stroke-dasharray:5 3', `  class ${conditional.join(',')} conditional`]
      : []),
  ];
}

/** Mermaid labels are quoted strings: a double quote must be an entity. */
function text(value: string): string {
  return value.replace(/"/g, '#quot;');
}
