import type { RowIssue } from 'src/imports/domain/import.types';

export interface CaseStudyContent {
  title: string;
  description: string;
}

/** A profile's content, as stored (money as a decimal string of pence). */
export interface ProfileContent {
  summary: string;
  capabilities: string[];
  caseStudies: CaseStudyContent[];
  cpvCodes: string[];
  certifications: string[];
  regions: string[];
  maxContractValue: string | null;
}

/** One valid supplier row. */
export interface SupplierRow {
  row: number;
  externalId: string;
  name: string;
  companiesHouseNumber: string | null;
  isSme: boolean;
  profile: ProfileContent;
}

/** What the database holds for an external id. */
export interface StoredSupplier {
  id: string;
  kind: 'buyer' | 'supplier';
  externalId: string;
  name: string;
  companiesHouseNumber: string | null;
  isSme: boolean;
  profile: (ProfileContent & { version: number }) | null;
}

export interface OrganisationWrite {
  id: string;
  externalId: string;
  name: string;
  companiesHouseNumber: string | null;
  isSme: boolean;
}

export interface ProfileWrite {
  organisationId: string;
  content: ProfileContent;
  version: number;
}

export interface SupplierBatchPlan {
  inserts: OrganisationWrite[];
  updates: OrganisationWrite[];
  profiles: ProfileWrite[];
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: RowIssue[];
}

/**
 * Decides what a batch of rows changes, applying the rows in order as if one by one: a new external
 * id creates a supplier (profile version 1); a known one is updated only when its organisation or
 * profile content differs, and the profile version goes up only when the profile's content changed.
 * A row repeating an external id earlier in the batch applies on top of it. Identical rows change
 * nothing, so importing the same file again writes nothing.
 */
export function planSupplierBatch(rows: SupplierRow[], stored: Map<string, StoredSupplier>, newId: () => string): SupplierBatchPlan {
  const state = new Map<string, StoredSupplier & { isNew: boolean; organisationDirty: boolean; profileDirty: boolean }>();
  for (const [externalId, supplier] of stored) state.set(externalId, { ...supplier, isNew: false, organisationDirty: false, profileDirty: false });
  const plan: SupplierBatchPlan = { inserts: [], updates: [], profiles: [], created: 0, updated: 0, unchanged: 0, failed: 0, errors: [] };

  for (const row of rows) {
    const current = state.get(row.externalId);
    if (!current) {
      state.set(row.externalId, {
        id: newId(),
        kind: 'supplier',
        externalId: row.externalId,
        name: row.name,
        companiesHouseNumber: row.companiesHouseNumber,
        isSme: row.isSme,
        profile: { ...row.profile, version: 1 },
        isNew: true,
        organisationDirty: true,
        profileDirty: true,
      });
      plan.created++;
      continue;
    }
    if (current.kind !== 'supplier') {
      plan.failed++;
      plan.errors.push({ row: row.row, field: 'externalId', message: `${row.externalId} is the external id of a buyer organisation` });
      continue;
    }
    const organisationChanged =
      current.name !== row.name || current.companiesHouseNumber !== row.companiesHouseNumber || current.isSme !== row.isSme;
    const profileChanged = current.profile === null || !sameProfile(current.profile, row.profile);
    if (!organisationChanged && !profileChanged) {
      plan.unchanged++;
      continue;
    }
    plan.updated++;
    if (organisationChanged) {
      current.name = row.name;
      current.companiesHouseNumber = row.companiesHouseNumber;
      current.isSme = row.isSme;
      current.organisationDirty = true;
    }
    if (profileChanged) {
      current.profile = { ...row.profile, version: (current.profile?.version ?? 0) + 1 };
      current.profileDirty = true;
    }
  }

  for (const supplier of state.values()) {
    const organisation = {
      id: supplier.id,
      externalId: supplier.externalId,
      name: supplier.name,
      companiesHouseNumber: supplier.companiesHouseNumber,
      isSme: supplier.isSme,
    };
    if (supplier.isNew) plan.inserts.push(organisation);
    else if (supplier.organisationDirty) plan.updates.push(organisation);
    if (supplier.profileDirty && supplier.profile) {
      const { version, ...content } = supplier.profile;
      plan.profiles.push({ organisationId: supplier.id, content, version });
    }
  }
  return plan;
}

export function sameProfile(a: ProfileContent, b: ProfileContent): boolean {
  return (
    a.summary === b.summary &&
    sameList(a.capabilities, b.capabilities) &&
    a.caseStudies.length === b.caseStudies.length &&
    a.caseStudies.every((study, i) => study.title === b.caseStudies[i].title && study.description === b.caseStudies[i].description) &&
    sameList(a.cpvCodes, b.cpvCodes) &&
    sameList(a.certifications, b.certifications) &&
    sameList(a.regions, b.regions) &&
    a.maxContractValue === b.maxContractValue
  );
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
