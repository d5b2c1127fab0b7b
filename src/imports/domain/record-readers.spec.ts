import { CsvRecordReader } from 'src/imports/domain/csv-records';
import { JsonLinesSplitter } from 'src/imports/domain/json-lines';
import { ReleasePackageShapeError, ReleasePackageSplitter } from 'src/imports/domain/release-package';
import { createRowReader } from 'src/imports/domain/row-reader';

// Feeds text in pieces of every size from 1 character up, so that no row depends on where the
// upload happened to be cut into network packets or stored chunks.
function inPieces<T>(text: string, size: number, reader: { push(text: string): T[]; end(): T[] }): T[] {
  const out: T[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...reader.push(text.slice(i, i + size)));
  out.push(...reader.end());
  return out;
}
const SIZES = [1, 2, 3, 7, 64, 100_000];

describe('JsonLinesSplitter', () => {
  const text = '\uFEFF{"a":1}\r\n\n  \n{"b":"x\\ny"}\n{"c":3}';

  it.each(SIZES)('numbers rows by line and skips blank lines, in pieces of %i', (size) => {
    expect(inPieces(text, size, new JsonLinesSplitter())).toEqual([
      { row: 1, text: '{"a":1}\r' },
      { row: 4, text: '{"b":"x\\ny"}' },
      { row: 5, text: '{"c":3}' },
    ]);
  });

  it('reports a line longer than the limit without keeping it, and goes on', () => {
    expect(inPieces(`${'x'.repeat(50)}\n{"ok":1}\n`, 7, new JsonLinesSplitter(20))).toEqual([
      { row: 1, error: 'the line is longer than 20 characters' },
      { row: 2, text: '{"ok":1}' },
    ]);
  });
});

describe('CsvRecordReader', () => {
  const text = 'a,b,c\r\n"x, y","say ""hi""",\n\n"multi\nline",2,"3"\nlast,row,here';

  it.each(SIZES)('reads quoted fields, doubled quotes, CRLF and line breaks inside quotes, in pieces of %i', (size) => {
    expect(inPieces(text, size, new CsvRecordReader())).toEqual([
      { record: 1, fields: ['a', 'b', 'c'] },
      { record: 2, fields: ['x, y', 'say "hi"', ''] },
      { record: 4, fields: ['multi\nline', '2', '3'] },
      { record: 5, fields: ['last', 'row', 'here'] },
    ]);
  });

  it('reports a quoted field left open at the end of the file', () => {
    expect(inPieces('a,b\n"open,1\n', 3, new CsvRecordReader())).toEqual([
      { record: 1, fields: ['a', 'b'] },
      { record: 2, error: 'a quoted field is not closed before the end of the file' },
    ]);
  });

  it('keeps a record of one empty quoted field, unlike a blank line', () => {
    expect(inPieces('""\n\n', 1, new CsvRecordReader())).toEqual([{ record: 1, fields: [''] }]);
  });
});

describe('ReleasePackageSplitter', () => {
  const releases = [{ ocid: 'ocds-1', tender: { title: 'A "quoted" title]}' } }, { ocid: 'ocds-2', tags: [['x']] }];
  const text = JSON.stringify({ uri: 'https://x/{[', publisher: { name: 'P', nested: { releases: [1] } }, releases, extensions: [] }, null, 2);

  it.each(SIZES)('streams each release of the package as a row, skipping the rest, in pieces of %i', (size) => {
    const rows = inPieces(text, size, new ReleasePackageSplitter());
    expect(rows.map((row) => ({ row: row.row, release: JSON.parse(row.text as string) }))).toEqual([
      { row: 1, release: releases[0] },
      { row: 2, release: releases[1] },
    ]);
  });

  it('gives a release that is not an object its own row, for the worker to refuse', () => {
    expect(inPieces('{"releases": [ 42 , "x", {"ocid":"o"} ]}', 2, new ReleasePackageSplitter())).toEqual([
      { row: 1, text: '42' },
      { row: 2, text: '"x"' },
      { row: 3, text: '{"ocid":"o"}' },
    ]);
  });

  it.each([
    ['[{"ocid":"o"}]', 'must be a JSON object'],
    ['{"uri":"x"}', 'no releases array'],
    ['{"releases":{"a":1}}', 'releases must be an array'],
    ['{"releases":[{"ocid":"o"}', 'incomplete'],
    ['{"releases":[]} {}', 'more than one JSON value'],
  ])('refuses %s as not a release package', (body, message) => {
    expect(() => inPieces(body, 4, new ReleasePackageSplitter())).toThrow(ReleasePackageShapeError);
    expect(() => inPieces(body, 4, new ReleasePackageSplitter())).toThrow(message);
  });
});

describe('createRowReader', () => {
  it('numbers CSV rows after the header and keeps the header aside', () => {
    const reader = createRowReader('csv');
    expect(inPieces('externalId,name\nx,y\n\nz,w\n', 5, reader)).toEqual([
      { row: 1, fields: ['x', 'y'] },
      { row: 3, fields: ['z', 'w'] },
    ]);
    expect(reader.csvHeader).toEqual(['externalId', 'name']);
  });
});
