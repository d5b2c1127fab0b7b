import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

/** A small pool on a test database, for seeding and for checking what the service left behind. */
export class Sql {
  private readonly pool: Pool;

  constructor(url: string) {
    this.pool = new Pool({ connectionString: url, max: 3, connectionTimeoutMillis: 5000 });
    // A server the test crashes on purpose drops idle connections: that is expected, not fatal.
    this.pool.on('error', () => undefined);
  }

  async rows<T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(text, params)).rows as T[];
  }

  async count(text: string, params: unknown[] = []): Promise<number> {
    const [row] = await this.rows<{ n: number }>(text, params);
    return Number(row.n);
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

// A small domain vocabulary so that rankings differ from need to need (and scores are not all equal).
const PHRASES = [
  'accessible online booking', 'school admissions', 'GOV.UK Design System', 'user research', 'accessibility audits',
  'cloud hosting', 'data migration', 'identity verification', 'case management', 'payments integration',
  'content design', 'agile delivery', 'service assessment', 'cyber security monitoring', 'open data publishing',
  'legacy modernisation', 'API platform', 'digital inclusion', 'appointment scheduling', 'casework automation',
  'geospatial mapping', 'records management', 'contact centre', 'performance analytics', 'grant applications',
];
const CPV = ['72000000-5', '72212000-4', '45233141-9'];
const REGIONS = ['london', 'south-east', 'scotland', 'wales', 'north-west', 'uk-wide'];
const CERTIFICATIONS = ['cyber-essentials', 'cyber-essentials-plus', 'iso-27001'];

/** Deterministic pseudo-random numbers (mulberry32), so every run seeds the same corpus. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, from: readonly T[], count: number): T[] {
  const chosen = new Set<T>();
  while (chosen.size < Math.min(count, from.length)) chosen.add(from[Math.floor(next() * from.length)]);
  return [...chosen];
}

/** Supplier organisations with one profile each (version 1), inserted in one statement per table. */
export async function seedProfiles(sql: Sql, count: number, seed = 7): Promise<string[]> {
  const next = random(seed);
  const profiles = Array.from({ length: count }, (_, i) => {
    const capabilities = pick(next, PHRASES, 3);
    return {
      id: randomUUID(),
      name: `Fault supplier ${i}`,
      summary: `We deliver ${pick(next, PHRASES, 3).join(', ')} for public bodies.`,
      capabilities,
      case_studies: [{ title: `${capabilities[0]} for a council`, description: `Delivered ${pick(next, PHRASES, 2).join(' and ')}.` }],
      cpv_codes: pick(next, CPV, 1),
      certifications: pick(next, CERTIFICATIONS, 1 + Math.floor(next() * 2)),
      regions: pick(next, REGIONS, 2),
      max_contract_value: 10_000_000 + Math.floor(next() * 100) * 1_000_000,
    };
  });
  const json = JSON.stringify(profiles);
  await sql.rows(
    `INSERT INTO organisations (id, kind, name, is_sme) SELECT id, 'supplier', name, true FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, name text)`,
    [json],
  );
  await sql.rows(
    `INSERT INTO supplier_profiles (organisation_id, summary, capabilities, case_studies, cpv_codes, certifications, regions, max_contract_value, version)
     SELECT id, summary, capabilities, case_studies, cpv_codes, certifications, regions, max_contract_value, 1
     FROM jsonb_to_recordset($1::jsonb)
       AS x(id uuid, summary text, capabilities text[], case_studies jsonb, cpv_codes text[], certifications text[], regions text[], max_contract_value bigint)`,
    [json],
  );
  return profiles.map((p) => p.id);
}

/** A buyer organisation and `count` open needs at version 1, published a moment ago, not scored yet. */
export async function seedOpenNeeds(sql: Sql, count: number, seed = 11): Promise<string[]> {
  const next = random(seed);
  const [buyer] = await sql.rows<{ id: string }>(`INSERT INTO organisations (kind, name) VALUES ('buyer', 'Fault buyer') RETURNING id`);
  const needs = Array.from({ length: count }, (_, i) => {
    const topic = pick(next, PHRASES, 2);
    return {
      id: randomUUID(),
      title: `${topic.join(' and ')} (${i})`,
      description: `Design, build and run ${pick(next, PHRASES, 3).join(', ')}.`,
      cpv_codes: pick(next, CPV, 1),
      regions: pick(next, REGIONS, 1),
      required_certifications: pick(next, CERTIFICATIONS, 1),
      essential_requirements: pick(next, PHRASES, 2),
      budget_min: 5_000_000 + Math.floor(next() * 50) * 1_000_000,
      // Distinct publication times keep the reconciler's order (oldest first) stable.
      published_ms: i,
    };
  });
  await sql.rows(
    `INSERT INTO procurement_needs (id, organisation_id, title, description, cpv_codes, regions, required_certifications,
       essential_requirements, budget_min, budget_max, submission_deadline, status, version, published_at)
     SELECT id, $2, title, description, cpv_codes, regions, required_certifications, essential_requirements,
       budget_min, budget_min * 2, now() + interval '30 days', 'open', 1, now() - interval '1 hour' + published_ms * interval '1 millisecond'
     FROM jsonb_to_recordset($1::jsonb)
       AS x(id uuid, title text, description text, cpv_codes text[], regions text[], required_certifications text[],
            essential_requirements text[], budget_min bigint, published_ms int)`,
    [JSON.stringify(needs), buyer.id],
  );
  return needs.map((n) => n.id);
}
