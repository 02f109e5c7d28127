import { csvField, toCsv } from './csv';

describe('CSV', () => {
  it('leaves plain fields bare and writes nothing for a missing value', () => {
    expect(csvField('cp-1')).toBe('cp-1');
    expect(csvField(42.5)).toBe('42.5');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(true)).toBe('true');
  });

  it('quotes a field with a comma, a quote or a line break, doubling the quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvField('cr\r\nlf')).toBe('"cr\r\nlf"');
    expect(csvField(' padded ')).toBe('" padded "');
  });

  it('writes dates as ISO-8601 in UTC', () => {
    expect(csvField(new Date('2026-12-04T05:53:20.713Z'))).toBe('2026-12-04T05:53:20.713Z');
    expect(csvField(new Date('nonsense'))).toBe('');
  });

  it('keeps a text that looks like a formula as text', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM')).toBe("'@SUM");
    expect(csvField(-5)).toBe('-5');
  });

  it('builds a header line and one CRLF-ended line per row', () => {
    const rows = [
      { id: 1, tag: 'TAG, A', note: null },
      { id: 2, tag: 'B', note: 'two\nlines' },
    ];
    const csv = toCsv(
      [
        { header: 'id', value: (r: (typeof rows)[number]) => r.id },
        { header: 'id tag', value: (r) => r.tag },
        { header: 'note, free', value: (r) => r.note },
      ],
      rows,
    );
    expect(csv).toBe('id,id tag,"note, free"\r\n1,"TAG, A",\r\n2,B,"two\nlines"\r\n');
  });

  it('writes only the header for no rows', () => {
    expect(toCsv([{ header: 'a', value: () => 1 }], [])).toBe('a\r\n');
  });
});
