import { readSupplierCsvHeader, splitList, supplierRowFromCsv } from 'src/imports/domain/supplier-csv';

describe('supplier CSV', () => {
  const header = ['externalId', 'name', 'isSme', 'capabilities', 'caseStudies', 'maxContractValue'];
  const { columns } = readSupplierCsvHeader(header);

  it('reads a record as the JSON Lines row it stands for', () => {
    const row = supplierRowFromCsv(columns, header.length, ['s-1', 'Acme', 'TRUE', 'a; b\\;c', 'T1|D1;T\\|2|D\\;2|more', '500']);
    expect(row.value).toEqual({
      externalId: 's-1',
      name: 'Acme',
      isSme: true,
      profile: {
        summary: '',
        capabilities: ['a', 'b;c'],
        caseStudies: [
          { title: 'T1', description: 'D1' },
          { title: 'T|2', description: 'D;2|more' },
        ],
        cpvCodes: [],
        certifications: [],
        regions: [],
        maxContractValue: 500,
      },
    });
  });

  it('leaves values it cannot read for the validator to refuse in the API words', () => {
    const row = supplierRowFromCsv(columns, header.length, ['s-1', 'Acme', 'maybe', '', 'Title only', '12.5']);
    expect(row.value).toMatchObject({ isSme: 'maybe', profile: { caseStudies: [{ title: 'Title only' }], maxContractValue: '12.5' } });
  });

  it('refuses a record whose field count differs from the header', () => {
    expect(supplierRowFromCsv(columns, header.length, ['s-1', 'Acme']).error).toEqual({
      field: 'row',
      message: 'the record has 2 fields but the header has 6',
    });
  });

  it('names unknown, repeated and missing columns', () => {
    expect(readSupplierCsvHeader(['name', 'colour', 'name']).problems).toEqual([
      { field: 'header[1]', message: expect.stringContaining('unknown column "colour"') },
      { field: 'header[2]', message: 'column "name" appears twice' },
      { field: 'header', message: 'the column "externalId" is required' },
    ]);
  });

  it('reads an empty cell as an empty list and unescapes backslashes', () => {
    expect(splitList('  ')).toEqual([]);
    expect(splitList('a\\\\b;c')).toEqual(['a\\b', 'c']);
  });
});
