import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const SCHEMA_DIR = join(__dirname, '..', 'fixtures', 'ocds-schema-1.1');
const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

type Json = Record<string, any>;

/**
 * The OCDS 1.1 package schema, with the release schema it refers to, compiled as the draft-04
 * schemas they are (ajv-draft-04), with formats (`date-time`, `uri`) enforced.
 */
export function compileReleasePackageValidator(): ValidateFunction {
  const load = (name: string): Json => JSON.parse(readFileSync(join(SCHEMA_DIR, name), 'utf8'));
  const release = load('release-schema.json');
  const releasePackage = load('release-package-schema.json');
  expect([release.$schema, releasePackage.$schema]).toEqual([DRAFT_04, DRAFT_04]);
  // strict: false, because OCDS adds its own annotations (codelist, openCodelist, omitWhenMerged…).
  const ajv = new AjvDraft04({ strict: false, allErrors: true });
  addFormats(ajv, ['date-time', 'uri']);
  ajv.addSchema(release);
  return ajv.compile(releasePackage);
}

