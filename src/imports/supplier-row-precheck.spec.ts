import { SupplierImportRowDto } from 'src/imports/dto/import-rows.dto';
import { validateRow } from 'src/imports/import-row-validation';
import { isPlainlyValidSupplierRow } from 'src/imports/supplier-row-precheck';

// The precheck may only say "valid" where the DTO says so too. Every row below, valid or not, is
// put to both; a rule tightened in the DTO but not in the precheck shows up here as a failure.

const base = () => ({
  externalId: 'sup-1',
  name: 'Acme Digital Ltd',
  companiesHouseNumber: '01234567',
  isSme: true,
  profile: {
    summary: 'We build accessible public services.',
    capabilities: ['user research', 'GOV.UK Design System'],
    caseStudies: [{ title: 'Booking', description: 'Built a booking service.' }],
    cpvCodes: ['72000000-5', '72212000-4'],
    certifications: ['cyber-essentials', 'iso-27001'],
    regions: ['london', 'uk-wide'],
    maxContractValue: 50_000_000,
  },
});
type Row = ReturnType<typeof base>;
const withRow = (change: (row: Row) => void) => {
  const row = base();
  change(row);
  return row;
};
const profile = (change: (p: Row['profile'] & Record<string, unknown>) => void) => withRow((row) => change(row.profile));

const VALID: [string, unknown][] = [
  ['a full row', base()],
  ['no optional fields', withRow((r) => { delete (r as Partial<Row>).companiesHouseNumber; delete (r as Partial<Row>).isSme; delete (r.profile as Partial<Row['profile']>).maxContractValue; })],
  ['nulls where optional', withRow((r) => Object.assign(r, { companiesHouseNumber: null, isSme: null }))],
  ['empty lists and summary', profile((p) => Object.assign(p, { summary: '', capabilities: [], caseStudies: [], cpvCodes: [], certifications: [], regions: [] }))],
  ['limits exactly', withRow((r) => Object.assign(r, { externalId: 'e'.repeat(200), name: 'n'.repeat(300), profile: { ...r.profile, summary: 's'.repeat(5000), capabilities: Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(300, 'c')), caseStudies: Array.from({ length: 100 }, () => ({ title: 't'.repeat(300), description: 'd'.repeat(5000) })) } }))],
  ['letters and digits company number', withRow((r) => (r.companiesHouseNumber = 'SC123456'))],
  ['no limit on contract value', profile((p) => (p.maxContractValue = null as unknown as number))],
];

const INVALID: [string, unknown][] = [
  ['an array', [base()]],
  ['an unknown field', withRow((r) => Object.assign(r, { website: 'x' }))],
  ['an unknown profile field', profile((p) => (p.website = 'x'))],
  ['an unknown case study field', profile((p) => (p.caseStudies = [{ title: 't', description: 'd', year: 2020 } as never]))],
  ['no externalId', withRow((r) => delete (r as Partial<Row>).externalId)],
  ['an empty externalId', withRow((r) => (r.externalId = ''))],
  ['a blank externalId', withRow((r) => (r.externalId = '   '))],
  ['a long externalId', withRow((r) => (r.externalId = 'e'.repeat(201)))],
  ['an untrimmed externalId (valid once trimmed, so the DTO decides)', withRow((r) => (r.externalId = ' sup-1 '))],
  ['a numeric name', withRow((r) => ((r as Record<string, unknown>).name = 42))],
  ['a long name', withRow((r) => (r.name = 'n'.repeat(301)))],
  ['a bad company number', withRow((r) => (r.companiesHouseNumber = '1234'))],
  ['a lower-case company number', withRow((r) => (r.companiesHouseNumber = 'sc123456'))],
  ['isSme as text', withRow((r) => ((r as Record<string, unknown>).isSme = 'true'))],
  ['no profile', withRow((r) => delete (r as Partial<Row>).profile)],
  ['a profile list', withRow((r) => ((r as Record<string, unknown>).profile = []))],
  ['no summary', profile((p) => delete (p as Partial<Row['profile']>).summary)],
  ['a long summary', profile((p) => (p.summary = 's'.repeat(5001)))],
  ['capabilities as text', profile((p) => ((p as Record<string, unknown>).capabilities = 'a; b'))],
  ['an empty capability', profile((p) => (p.capabilities = ['a', '']))],
  ['a variation selector for a capability', profile((p) => (p.capabilities = ['\uFE0F']))],
  ['a long capability', profile((p) => (p.capabilities = ['c'.repeat(301)]))],
  ['101 capabilities', profile((p) => (p.capabilities = Array.from({ length: 101 }, (_, i) => `c${i}`)))],
  ['a case study without description', profile((p) => (p.caseStudies = [{ title: 't' } as never]))],
  ['a case study as text', profile((p) => (p.caseStudies = ['t|d' as never]))],
  ['a long case study title', profile((p) => (p.caseStudies = [{ title: 't'.repeat(301), description: 'd' }]))],
  ['a long case study description', profile((p) => (p.caseStudies = [{ title: 't', description: 'd'.repeat(5001) }]))],
  ['101 case studies', profile((p) => (p.caseStudies = Array.from({ length: 101 }, () => ({ title: 't', description: 'd' }))))],
  ['a malformed CPV code', profile((p) => (p.cpvCodes = ['7200000-5']))],
  ['a repeated CPV code', profile((p) => (p.cpvCodes = ['72000000-5', '72000000-5']))],
  ['a capitalised certification', profile((p) => (p.certifications = ['ISO-27001']))],
  ['a repeated certification', profile((p) => (p.certifications = ['iso-9001', 'iso-9001']))],
  ['a long certification', profile((p) => (p.certifications = ['a'.repeat(101)]))],
  ['an unknown region', profile((p) => (p.regions = ['atlantis']))],
  ['a repeated region', profile((p) => (p.regions = ['london', 'london']))],
  ['a negative contract value', profile((p) => (p.maxContractValue = -1))],
  ['a fractional contract value', profile((p) => (p.maxContractValue = 1.5))],
  ['a contract value as text', profile((p) => ((p as Record<string, unknown>).maxContractValue = '100'))],
  ['an unsafe contract value', profile((p) => (p.maxContractValue = 2 ** 53))],
];

describe('isPlainlyValidSupplierRow', () => {
  it.each(VALID)('passes %s, as the DTO does', (_name, row) => {
    expect(validateRow(SupplierImportRowDto, row).errors).toBeUndefined();
    expect(isPlainlyValidSupplierRow(row)).toBe(true);
  });

  it.each(INVALID)('leaves %s to the DTO', (_name, row) => {
    expect(isPlainlyValidSupplierRow(row)).toBe(false);
  });

  it('never passes a row the DTO refuses', () => {
    for (const [name, row] of [...VALID, ...INVALID]) {
      if (isPlainlyValidSupplierRow(row)) expect({ name, errors: validateRow(SupplierImportRowDto, row).errors }).toEqual({ name, errors: undefined });
    }
  });
});
