import { DataSource } from 'typeorm';
import cpvCodes from 'src/reference-data/cpv-codes.json';
import roadmap from 'src/reference-data/roadmap.json';
import { significantDigits } from 'src/cpv/domain/cpv-code';

export interface ReferenceDataCounts {
  aims: number;
  priorities: number;
  cpvCodes: number;
}

// Rows per INSERT: large enough to load 9,454 codes in a handful of statements, small enough to
// stay far below PostgreSQL's 65,535 bind-parameter limit.
const CPV_BATCH = 2000;

/**
 * Loads the roadmap's aims and priorities and the CPV vocabulary. Upserts on the natural keys, so a
 * second run changes nothing and a corrected description in a new release of the data is applied.
 */
export async function loadReferenceData(dataSource: DataSource): Promise<ReferenceDataCounts> {
  return dataSource.transaction(async (manager) => {
    for (const [position, aim] of roadmap.aims.entries()) {
      await manager.query(
        `INSERT INTO roadmap_aims (code, title, description, position) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
           position = EXCLUDED.position
         WHERE (roadmap_aims.title, roadmap_aims.description, roadmap_aims.position)
           IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.description, EXCLUDED.position)`,
        [aim.code, aim.title, aim.description, position + 1],
      );
    }
    for (const priority of roadmap.priorities) {
      await manager.query(
        `INSERT INTO roadmap_priorities (number, code, title, description) VALUES ($1, $2, $3, $4)
         ON CONFLICT (number) DO UPDATE SET code = EXCLUDED.code, title = EXCLUDED.title,
           description = EXCLUDED.description
         WHERE (roadmap_priorities.code, roadmap_priorities.title, roadmap_priorities.description)
           IS DISTINCT FROM (EXCLUDED.code, EXCLUDED.title, EXCLUDED.description)`,
        [priority.number, priority.code, priority.title, priority.description],
      );
    }
    const codes = cpvCodes as [string, string][];
    for (let start = 0; start < codes.length; start += CPV_BATCH) {
      const batch = codes.slice(start, start + CPV_BATCH);
      const params: string[] = [];
      const tuples = batch.map(([code, description], i) => {
        params.push(code, description, significantDigits(code));
        return `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`;
      });
      await manager.query(
        `INSERT INTO cpv_codes (code, description, significant) VALUES ${tuples.join(', ')}
         ON CONFLICT (code) DO UPDATE SET description = EXCLUDED.description, significant = EXCLUDED.significant
         WHERE (cpv_codes.description, cpv_codes.significant) IS DISTINCT FROM (EXCLUDED.description, EXCLUDED.significant)`,
        params,
      );
    }
    return { aims: roadmap.aims.length, priorities: roadmap.priorities.length, cpvCodes: codes.length };
  });
}
