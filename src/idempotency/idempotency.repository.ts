import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Claims a key for a request; false when the key is already taken (by this or another request). */
  async claim(scope: string, key: string, requestHash: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key`,
      [scope, key, requestHash],
    );
    return rows.length === 1;
  }

  async find(scope: string, key: string): Promise<{ requestHash: string; status: number | null; body: unknown } | null> {
    const [row] = await this.dataSource.query(
      `SELECT request_hash AS "requestHash", status, body FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    return row ?? null;
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.dataSource.query(`UPDATE idempotency_keys SET status = $3, body = $4::jsonb WHERE scope = $1 AND key = $2`, [
      scope,
      key,
      status,
      JSON.stringify(body ?? null),
    ]);
  }

  async release(scope: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL`, [scope, key]);
  }
}
