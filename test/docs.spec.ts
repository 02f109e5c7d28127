import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { topicTable } from './support/topic-table';

const FILE = join(__dirname, '..', 'docs', 'architecture.md');
const BEGIN = '<!-- topic-registry:begin (generated from libs/contracts TOPIC_REGISTRY by test/docs.spec.ts) -->';
const END = '<!-- topic-registry:end -->';

/** docs/architecture.md shows the topic registry as the code declares it; UPDATE_DOCS=1 rewrites it. */
describe('docs/architecture.md', () => {
  it('shows the topic registry as libs/contracts declares it', () => {
    const doc = readFileSync(FILE, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const table = topicTable();
    const current = doc.slice(start + BEGIN.length, end).trim();
    if (process.env.UPDATE_DOCS === '1' && current !== table) {
      writeFileSync(FILE, `${doc.slice(0, start + BEGIN.length)}\n\n${table}\n\n${doc.slice(end)}`);
      return;
    }
    expect(current).toBe(table);
  });

  it('is linked from the README', () => {
    expect(readFileSync(join(__dirname, '..', 'README.md'), 'utf8')).toContain('(docs/architecture.md)');
  });
});
