import { TOPIC_REGISTRY } from '@lib/contracts';

/** Rows as Prettier lays out a Markdown table: every cell padded to its column's width. */
function markdownTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(3, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

/** The topic registry as a Markdown table: what docs/architecture.md shows between its markers. */
export function topicTable(): string {
  return markdownTable([
    ['entry', 'topic', 'version', 'payload class', 'QoS', 'retain', 'publishers', 'subscribers'],
    ...Object.entries(TOPIC_REGISTRY).map(([name, e]) => [
      `\`${name}\``,
      `\`${e.pattern}\``,
      String(e.version),
      `\`${e.payload.name}\`${e.refines ? ` + ${e.refines}` : ''}`,
      String(e.qos),
      e.retain ? 'yes' : 'no',
      e.publishers.join(', '),
      e.subscribers.join(', '),
    ]),
  ]);
}
