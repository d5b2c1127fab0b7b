import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEventEntity } from 'src/audit/audit-event.entity';
import { ChainVerification, computeEventHash, GENESIS_HASH, verifyChain } from 'src/audit/domain/audit-chain';

export interface AuditRecord {
  actorId: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  before?: unknown;
  after?: unknown;
}

// Serialises appends: the next event's sequence and previous hash come from the head of the chain,
// so two transactions must not read the same head. Held only until the writing transaction ends.
const AUDIT_APPEND_LOCK = 727_002;
const VERIFY_PAGE = 5000;

@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends an event inside the caller's transaction, so the write and its record commit together. */
  async record(manager: EntityManager, record: AuditRecord, now = new Date()): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Audit events must be recorded inside the transaction of the write they describe');
    }
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_APPEND_LOCK]);
    const [head] = await manager.query<{ sequence: string; hash: string }[]>(
      'SELECT sequence, hash FROM audit_events ORDER BY sequence DESC LIMIT 1',
    );
    const event = {
      id: randomUUID(),
      sequence: head ? (BigInt(head.sequence) + 1n).toString() : '1',
      actorId: record.actorId,
      action: record.action,
      objectType: record.objectType,
      objectId: record.objectId,
      // Stored as JSON and read back as JSON: normalise now so the hash covers what is stored.
      before: toJson(record.before),
      after: toJson(record.after),
      occurredAt: now,
    };
    const prevHash = head?.hash ?? GENESIS_HASH;
    const hash = computeEventHash(prevHash, event);
    await manager.query(
      `INSERT INTO audit_events (id, sequence, actor_id, action, object_type, object_id, before, after, occurred_at, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11)`,
      [
        event.id,
        event.sequence,
        event.actorId,
        event.action,
        event.objectType,
        event.objectId,
        event.before === null ? null : JSON.stringify(event.before),
        event.after === null ? null : JSON.stringify(event.after),
        event.occurredAt,
        prevHash,
        hash,
      ],
    );
  }

  /** Walks the whole chain in pages and reports the first event that does not verify. */
  async verify(): Promise<ChainVerification> {
    let after: { sequence: bigint; hash: string } | undefined;
    let total = 0;
    for (;;) {
      const rows = await this.dataSource.getRepository(AuditEventEntity).query(
        `SELECT id, sequence, actor_id AS "actorId", action, object_type AS "objectType", object_id AS "objectId",
                before, after, occurred_at AS "occurredAt", prev_hash AS "prevHash", hash
         FROM audit_events WHERE sequence > $1 ORDER BY sequence ASC LIMIT $2`,
        [after ? after.sequence.toString() : '0', VERIFY_PAGE],
      );
      const result = verifyChain(rows, after ? { after } : undefined);
      if (!result.valid) return { ...result, events: total + result.events };
      total += rows.length;
      if (rows.length < VERIFY_PAGE || !result.head) return { valid: true, events: total, head: result.head ?? after ?? null };
      after = result.head;
    }
  }
}

function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}
