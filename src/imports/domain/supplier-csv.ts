/**
 * Supplier rows as CSV. One column per field of the JSON Lines shape, the profile's fields flat:
 *
 *   externalId,name,companiesHouseNumber,isSme,summary,capabilities,caseStudies,cpvCodes,certifications,regions,maxContractValue
 *
 * - `externalId` and `name` are required columns; any other may be left out (as if empty). Columns
 *   may come in any order; an unknown or repeated column refuses the upload.
 * - Lists (`capabilities`, `cpvCodes`, `certifications`, `regions`) separate items with `;`. An empty
 *   cell is an empty list. Items are trimmed.
 * - `caseStudies` is a list of `title|description` items: `Booking|Built a booking service;Hosting|Ran it`.
 * - Inside list cells a backslash escapes the next character: `\;` and `\|` are literal, `\\` is a backslash.
 * - `isSme` is `true` or `false` (empty: false); `maxContractValue` is whole pence (empty: no limit);
 *   `companiesHouseNumber` empty: none.
 *
 * A row becomes exactly the object its JSON Lines twin would be, so both are validated by the same
 * rules, and errors name the same fields (`profile.cpvCodes[1]`).
 */
export const SUPPLIER_CSV_COLUMNS = [
  'externalId',
  'name',
  'companiesHouseNumber',
  'isSme',
  'summary',
  'capabilities',
  'caseStudies',
  'cpvCodes',
  'certifications',
  'regions',
  'maxContractValue',
] as const;
export type SupplierCsvColumn = (typeof SUPPLIER_CSV_COLUMNS)[number];

const REQUIRED_COLUMNS: readonly SupplierCsvColumn[] = ['externalId', 'name'];

export interface CsvHeaderProblem {
  field: string;
  message: string;
}

/** Where each column sits in a record; problems name every bad or missing column at once. */
export function readSupplierCsvHeader(header: string[]): { columns: Map<SupplierCsvColumn, number>; problems: CsvHeaderProblem[] } {
  const columns = new Map<SupplierCsvColumn, number>();
  const problems: CsvHeaderProblem[] = [];
  header.forEach((raw, index) => {
    const name = raw.trim();
    if (!(SUPPLIER_CSV_COLUMNS as readonly string[]).includes(name)) {
      problems.push({ field: `header[${index}]`, message: `unknown column "${name}"; the columns are ${SUPPLIER_CSV_COLUMNS.join(', ')}` });
    } else if (columns.has(name as SupplierCsvColumn)) {
      problems.push({ field: `header[${index}]`, message: `column "${name}" appears twice` });
    } else {
      columns.set(name as SupplierCsvColumn, index);
    }
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!columns.has(required)) problems.push({ field: 'header', message: `the column "${required}" is required` });
  }
  return { columns, problems };
}

/** A record as the JSON Lines object it stands for, or why its shape is wrong. */
export function supplierRowFromCsv(
  columns: Map<SupplierCsvColumn, number>,
  width: number,
  fields: string[],
): { value: Record<string, unknown>; error?: undefined } | { error: { field: string; message: string }; value?: undefined } {
  if (fields.length !== width) {
    return { error: { field: 'row', message: `the record has ${fields.length} fields but the header has ${width}` } };
  }
  const cell = (column: SupplierCsvColumn): string => {
    const index = columns.get(column);
    return index === undefined ? '' : fields[index];
  };
  const row: Record<string, unknown> = { externalId: cell('externalId'), name: cell('name') };
  if (cell('companiesHouseNumber').trim() !== '') row.companiesHouseNumber = cell('companiesHouseNumber').trim();
  const isSme = cell('isSme').trim();
  if (isSme !== '') row.isSme = /^true$/i.test(isSme) ? true : /^false$/i.test(isSme) ? false : isSme;
  const profile: Record<string, unknown> = {
    summary: cell('summary'),
    capabilities: splitList(cell('capabilities')),
    caseStudies: splitCaseStudies(cell('caseStudies')),
    cpvCodes: splitList(cell('cpvCodes')),
    certifications: splitList(cell('certifications')),
    regions: splitList(cell('regions')),
  };
  const maxContractValue = cell('maxContractValue').trim();
  // Anything but a whole number is passed on as text, so that the validator refuses it in the API's words.
  if (maxContractValue !== '') profile.maxContractValue = /^-?\d{1,16}$/.test(maxContractValue) ? Number(maxContractValue) : maxContractValue;
  row.profile = profile;
  return { value: row };
}

/** Splits on unescaped `;`, unescaping `\;`, `\|` and `\\`; an empty (or all-blank) cell is no items. */
export function splitList(cell: string): string[] {
  if (cell.trim() === '') return [];
  return splitEscaped(cell, ';').map((item) => unescape(item).trim());
}

/** `title|description` items, split on the first unescaped `|`. */
function splitCaseStudies(cell: string): { title: string; description?: string }[] {
  if (cell.trim() === '') return [];
  return splitEscaped(cell, ';').map((item) => {
    const [title, ...rest] = splitEscaped(item, '|');
    if (rest.length === 0) return { title: unescape(title).trim() };
    // Further unescaped bars belong to the description.
    return { title: unescape(title).trim(), description: unescape(rest.join('|')).trim() };
  });
}

/** Splits on a separator not preceded by a backslash; escapes are kept for unescape(). */
function splitEscaped(cell: string, separator: string): string[] {
  const items: string[] = [];
  let start = 0;
  for (let i = 0; i < cell.length; i++) {
    const char = cell[i];
    if (char === '\\') i++;
    else if (char === separator) {
      items.push(cell.slice(start, i));
      start = i + 1;
    }
  }
  items.push(cell.slice(start));
  return items;
}

function unescape(item: string): string {
  return item.replace(/\\([\\;|])/g, '$1');
}
