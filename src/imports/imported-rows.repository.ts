import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { NeedWrite, StoredNeed } from 'src/imports/domain/need-batch';
import type { OrganisationWrite, ProfileWrite, StoredSupplier } from 'src/imports/domain/supplier-batch';

/**
 * Bulk reads and writes of imported suppliers and needs: a batch of 1,000 rows costs a handful of
 * statements, each carrying its rows as one JSON document (jsonb_to_recordset), instead of a
 * statement per row through the suppliers and needs services. The triggers on supplier_profiles and
 * procurement_needs still stamp every written row, so matching workers pick them up as usual.
 */
@Injectable()
export class ImportedRowsRepository {
  /**
   * The organisations (and their profiles) holding these external ids, locked for the rest of the
   * transaction in key order, so that two imports touching the same suppliers queue rather than deadlock.
   */
  async lockSuppliers(manager: EntityManager, externalIds: string[]): Promise<Map<string, StoredSupplier>> {
    const organisations: { id: string; kind: 'buyer' | 'supplier'; externalId: string; name: string; companiesHouseNumber: string | null; isSme: boolean }[] =
      await manager.query(
        `SELECT id, kind, external_id AS "externalId", name, companies_house_number AS "companiesHouseNumber", is_sme AS "isSme"
         FROM organisations WHERE external_id = ANY($1::text[]) ORDER BY external_id FOR UPDATE`,
        [externalIds],
      );
    const suppliers = organisations.filter((organisation) => organisation.kind === 'supplier').map((organisation) => organisation.id);
    const profiles: (StoredSupplier['profile'] & { organisationId: string })[] = suppliers.length
      ? await manager.query(
          `SELECT organisation_id AS "organisationId", summary, capabilities, case_studies AS "caseStudies", cpv_codes AS "cpvCodes",
                  certifications, regions, max_contract_value AS "maxContractValue", version
           FROM supplier_profiles WHERE organisation_id = ANY($1::uuid[]) ORDER BY organisation_id FOR UPDATE`,
          [suppliers],
        )
      : [];
    const profileOf = new Map(profiles.map(({ organisationId, ...profile }) => [organisationId, profile]));
    return new Map(
      organisations.map((organisation) => [organisation.externalId, { ...organisation, profile: profileOf.get(organisation.id) ?? null }]),
    );
  }

  async insertSuppliers(manager: EntityManager, organisations: OrganisationWrite[]): Promise<void> {
    if (organisations.length === 0) return;
    await manager.query(
      `INSERT INTO organisations (id, kind, name, companies_house_number, is_sme, external_id)
       SELECT r.id, 'supplier', r.name, r.chn, r.sme, r.ext
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, name text, chn text, sme boolean, ext text)`,
      [JSON.stringify(organisations.map(organisationJson))],
    );
  }

  async updateSuppliers(manager: EntityManager, organisations: OrganisationWrite[]): Promise<void> {
    if (organisations.length === 0) return;
    await manager.query(
      `UPDATE organisations o SET name = r.name, companies_house_number = r.chn, is_sme = r.sme
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, name text, chn text, sme boolean)
       WHERE o.id = r.id`,
      [JSON.stringify(organisations.map(organisationJson))],
    );
  }

  /** Writes whole profiles at the versions the plan gave them (each changed profile + 1, new ones 1). */
  async writeProfiles(manager: EntityManager, profiles: ProfileWrite[]): Promise<void> {
    if (profiles.length === 0) return;
    await manager.query(
      `INSERT INTO supplier_profiles
         (organisation_id, summary, capabilities, case_studies, cpv_codes, certifications, regions, max_contract_value, version, updated_at)
       SELECT r.id, r.summary, r.capabilities, r.case_studies, r.cpv_codes, r.certifications, r.regions, r.max_contract_value, r.version, now()
       FROM jsonb_to_recordset($1::jsonb)
         AS r(id uuid, summary text, capabilities text[], case_studies jsonb, cpv_codes text[], certifications text[], regions text[],
              max_contract_value bigint, version int)
       ON CONFLICT (organisation_id) DO UPDATE SET
         summary = EXCLUDED.summary, capabilities = EXCLUDED.capabilities, case_studies = EXCLUDED.case_studies,
         cpv_codes = EXCLUDED.cpv_codes, certifications = EXCLUDED.certifications, regions = EXCLUDED.regions,
         max_contract_value = EXCLUDED.max_contract_value, version = EXCLUDED.version, updated_at = now()`,
      [
        JSON.stringify(
          profiles.map(({ organisationId, content, version }) => ({
            id: organisationId,
            summary: content.summary,
            capabilities: content.capabilities,
            case_studies: content.caseStudies,
            cpv_codes: content.cpvCodes,
            certifications: content.certifications,
            regions: content.regions,
            max_contract_value: content.maxContractValue,
            version,
          })),
        ),
      ],
    );
  }

  /** An organisation's needs holding these external ids, locked in key order. */
  async lockNeeds(manager: EntityManager, organisationId: string, externalIds: string[]): Promise<Map<string, StoredNeed>> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT id, external_id AS "externalId", status, version, published_at AS "publishedAt", title, description,
              cpv_codes AS "cpvCodes", commitment_ids AS "commitmentIds", budget_min AS "budgetMin", budget_max AS "budgetMax",
              regions, required_certifications AS "requiredCertifications", essential_requirements AS "essentialRequirements",
              submission_deadline AS "submissionDeadline"
       FROM procurement_needs WHERE organisation_id = $1 AND external_id = ANY($2::text[]) ORDER BY external_id FOR UPDATE`,
      [organisationId, externalIds],
    );
    return new Map(
      rows.map((row) => [
        row.externalId as string,
        {
          id: row.id as string,
          externalId: row.externalId as string,
          status: row.status as StoredNeed['status'],
          version: row.version as number,
          publishedAt: row.publishedAt as Date | null,
          content: {
            title: row.title as string,
            description: row.description as string,
            cpvCodes: row.cpvCodes as string[],
            commitmentIds: row.commitmentIds as string[],
            budgetMin: row.budgetMin as string | null,
            budgetMax: row.budgetMax as string | null,
            regions: row.regions as string[],
            requiredCertifications: row.requiredCertifications as string[],
            essentialRequirements: row.essentialRequirements as string[],
            submissionDeadline: row.submissionDeadline as Date | null,
          },
        },
      ]),
    );
  }

  /** Inserts new needs and replaces changed ones, each at the status and version the plan gave it. */
  async writeNeeds(manager: EntityManager, organisationId: string, needs: NeedWrite[]): Promise<void> {
    const json = (list: NeedWrite[]) =>
      JSON.stringify(
        list.map((need) => ({
          id: need.id,
          ext: need.externalId,
          status: need.status,
          version: need.version,
          published_at: need.publishedAt,
          title: need.content.title,
          description: need.content.description,
          cpv_codes: need.content.cpvCodes,
          commitment_ids: need.content.commitmentIds,
          budget_min: need.content.budgetMin,
          budget_max: need.content.budgetMax,
          regions: need.content.regions,
          required_certifications: need.content.requiredCertifications,
          essential_requirements: need.content.essentialRequirements,
          submission_deadline: need.content.submissionDeadline,
        })),
      );
    const columns = `id uuid, ext text, status text, version int, published_at timestamptz, title text, description text,
      cpv_codes text[], commitment_ids uuid[], budget_min bigint, budget_max bigint, regions text[],
      required_certifications text[], essential_requirements text[], submission_deadline timestamptz`;
    const inserts = needs.filter((need) => need.isNew);
    const updates = needs.filter((need) => !need.isNew);
    if (inserts.length > 0) {
      await manager.query(
        `INSERT INTO procurement_needs
           (id, organisation_id, external_id, status, version, published_at, title, description, cpv_codes, commitment_ids,
            budget_min, budget_max, regions, required_certifications, essential_requirements, submission_deadline)
         SELECT r.id, $2, r.ext, r.status, r.version, r.published_at, r.title, r.description, r.cpv_codes, r.commitment_ids,
                r.budget_min, r.budget_max, r.regions, r.required_certifications, r.essential_requirements, r.submission_deadline
         FROM jsonb_to_recordset($1::jsonb) AS r(${columns})`,
        [json(inserts), organisationId],
      );
    }
    if (updates.length > 0) {
      await manager.query(
        `UPDATE procurement_needs n SET
           status = r.status, version = r.version, published_at = r.published_at, title = r.title, description = r.description,
           cpv_codes = r.cpv_codes, commitment_ids = r.commitment_ids, budget_min = r.budget_min, budget_max = r.budget_max,
           regions = r.regions, required_certifications = r.required_certifications,
           essential_requirements = r.essential_requirements, submission_deadline = r.submission_deadline, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS r(${columns})
         WHERE n.id = r.id AND n.organisation_id = $2`,
        [json(updates), organisationId],
      );
    }
  }
}

function organisationJson(organisation: OrganisationWrite): Record<string, unknown> {
  return {
    id: organisation.id,
    ext: organisation.externalId,
    name: organisation.name,
    chn: organisation.companiesHouseNumber,
    sme: organisation.isSme,
  };
}
