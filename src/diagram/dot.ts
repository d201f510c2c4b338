// The model as Graphviz DOT. Top to bottom: the internet and AWS APIs, the internet gateway, then the
// public, private and isolated tiers. Edges that point up the page (tasks → NAT, NAT → gateway) are
// written reversed with dir=back so that they do not pull the ranks out of that order.
import { walk, type Cluster, type Layout } from './layout.js';
import type { DiagramEdge, DiagramModel, DiagramNode } from './model.js';

const STACK_COLOURS: Record<string, { fill: string; line: string }> = {
  network: { fill: '#DCEFD9', line: '#3B7D34' },
  edge: { fill: '#FDE3C3', line: '#B35F00' },
  app: { fill: '#D3E6FA', line: '#1F5FA8' },
  data: { fill: '#E4DAF3', line: '#5E3C99' },
  root: { fill: '#FFFFFF', line: '#6B6B6B' },
};
const OUTSIDE = { fill: '#EEEEEE', line: '#555555' };
const TIER_FILL: Record<string, string> = { public: '#F3FAF1', private: '#F1F6FD', isolated: '#F8F4FC' };
const FONT = 'Helvetica';

export function toDot(model: DiagramModel, picture: Layout): string {
  const lines = [
    'digraph architecture {',
    `  graph [rankdir=TB, newrank=true, nodesep=0.35, ranksep=0.45, fontname="${FONT}", fontsize=12, labelloc=t, label=<${title()}>];`,
    `  node [shape=box, style="rounded,filled", fontname="${FONT}", fontsize=10, margin="0.3,0.08"];`,
    `  edge [fontname="${FONT}", fontsize=9, color="#333333", arrowsize=0.7];`,
    ...picture.outside.map((node) => `  ${nodeStatement(node)}`),
    ...clusterLines(picture.root, '  '),
    ...rankLines(picture),
    ...model.edges.map((edge) => `  ${edgeStatement(edge, picture)}`),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

function title(): string {
  const legend = [
    'solid arrow: a connection the security groups allow (port), drawn from the side that opens it',
    'dashed box: created only under the condition shown · grey arrow: default route · dotted arrow: HTTPS through the NAT',
  ];
  return `<b>Metabase on AWS</b><br/><font point-size="9">${legend.map(escape).join('<br/>')}</font>`;
}

function clusterLines(cluster: Cluster, indent: string): string[] {
  const colour =
    cluster.kind === 'stack' || cluster.kind === 'root' || cluster.kind === 'vpc'
      ? (STACK_COLOURS[cluster.stack ?? ''] ?? OUTSIDE)
      : undefined;
  const fill =
    cluster.kind === 'tier' || cluster.kind === 'subnet'
      ? (TIER_FILL[cluster.tier ?? ''] ?? '#FFFFFF')
      : '#FFFFFF';
  const style =
    cluster.kind === 'stack'
      ? 'dashed,rounded'
      : cluster.kind === 'subnet'
        ? 'dotted,filled'
        : cluster.kind === 'tier'
          ? 'filled'
          : 'rounded';
  const attributes = [
    `label=<${escape(cluster.label)}>`,
    `style="${style}"`,
    `fillcolor="${fill}"`,
    `color="${colour?.line ?? '#9E9E9E'}"`,
    `fontcolor="${colour?.line ?? '#424242'}"`,
    `fontsize=${cluster.kind === 'subnet' ? 9 : 10}`,
    cluster.kind === 'stack' ? 'penwidth=1.4' : 'penwidth=1',
    'labeljust=l',
  ];
  const inner = indent + '  ';
  const body = [
    ...attributes.map((a) => `${inner}${a};`),
    ...cluster.nodes.map((node) => `${inner}${nodeStatement(node)}`),
    ...cluster.clusters.flatMap((child) => clusterLines(child, inner)),
  ];
  // Graphviz drops an empty cluster: an invisible point keeps a subnet with nothing of its own drawn.
  if (cluster.nodes.length === 0 && cluster.clusters.length === 0)
    body.push(`${inner}${cluster.id}_empty [shape=point, style=invis, width=0.3];`);
  return [`${indent}subgraph ${cluster.id} {`, ...body, `${indent}}`];
}

/** Keeps each tier on its own row and the two subnets of a tier side by side. */
function rankLines(picture: Layout): string[] {
  const rows: string[][] = [];
  for (const tier of picture.root.clusters.flatMap((c) => c.clusters).filter((c) => c.kind === 'tier')) {
    rows.push(
      walk(tier).flatMap((c) =>
        c.nodes.length > 0 ? c.nodes.map((n) => n.id) : c.clusters.length === 0 ? [`${c.id}_empty`] : [],
      ),
    );
  }
  const top = picture.outside
    .map((n) => n.id)
    .concat(
      walk(picture.root)
        .filter((c) => c.kind === 'stack' && c.clusters.length === 0 && isRegional(c, picture))
        .flatMap((c) => c.nodes.map((n) => n.id)),
    );
  return [top, ...rows].filter((row) => row.length > 0).map((row) => `  { rank=same; ${row.join('; ')}; }`);
}

function isRegional(cluster: Cluster, picture: Layout): boolean {
  return picture.root.clusters.includes(cluster);
}

function nodeStatement(node: DiagramNode): string {
  const colour = node.stack === undefined ? OUTSIDE : (STACK_COLOURS[node.stack] ?? OUTSIDE);
  const lines = [`<b>${escape(node.title)}</b>`, ...node.details.map((d) => escape(d))];
  if (node.condition) lines.push(`<i>if ${escape(node.condition)}</i>`);
  const style = node.condition ? 'rounded,filled,dashed' : 'rounded,filled';
  const shape = node.kind === 'internet' ? 'ellipse' : node.kind === 'database' ? 'cylinder' : 'box';
  const label = `<${lines[0]}${lines.length > 1 ? `<br/><font point-size="8.5">${lines.slice(1).join('<br/>')}</font>` : ''}>`;
  return `${node.id} [label=${label}, shape=${shape}, style="${style}", fillcolor="${colour.fill}", color="${colour.line}"];`;
}

function edgeStatement(edge: DiagramEdge, picture: Layout): string {
  const attributes: string[] = [];
  if (edge.label) attributes.push(`label=<${escape(edge.label)}>`);
  if (edge.kind === 'route') attributes.push('style=dashed', 'color="#8A8A8A"', 'fontcolor="#6B6B6B"');
  if (edge.kind === 'service') attributes.push('style=dotted', 'color="#1F5FA8"', 'fontcolor="#1F5FA8"');
  const upward = row(edge.to, picture) < row(edge.from, picture);
  const [tail, head] = upward ? [edge.to, edge.from] : [edge.from, edge.to];
  if (upward) attributes.push('dir=back');
  return `${tail} -> ${head} [${attributes.join(', ')}];`;
}

/** 0 outside and regional services, 1 the VPC's own gateways, then one a tier, top down. */
function row(id: string, picture: Layout): number {
  if (picture.outside.some((n) => n.id === id)) return 0;
  const vpc = picture.root.clusters.find((c) => c.kind === 'vpc');
  if (vpc?.nodes.some((n) => n.id === id)) return 1;
  const tiers = vpc?.clusters.filter((c) => c.kind === 'tier') ?? [];
  const index = tiers.findIndex((tier) => walk(tier).some((c) => c.nodes.some((n) => n.id === id)));
  return index < 0 ? 0 : index + 2;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
