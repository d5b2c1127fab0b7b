import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { CpvCodeEntity } from 'src/cpv/cpv-code.entity';

export interface CpvSearch {
  q?: string;
  prefix?: string;
  offset: number;
  limit: number;
}

@Injectable()
export class CpvRepository {
  constructor(@InjectRepository(CpvCodeEntity) private readonly codes: Repository<CpvCodeEntity>) {}

  findByCode(code: string): Promise<CpvCodeEntity | null> {
    return this.codes.findOneBy({ code });
  }

  /** Which of these codes exist: used to refuse unknown codes in needs and profiles. */
  async findExistingCodes(codes: string[]): Promise<Set<string>> {
    if (codes.length === 0) return new Set();
    const rows = await this.codes.find({ select: { code: true }, where: { code: In(codes) } });
    return new Set(rows.map((row) => row.code));
  }

  /**
   * Description search over 9,454 rows: a sequential ILIKE scan takes a few milliseconds, so no
   * trigram index is worth its upkeep. The prefix uses the varchar_pattern_ops index.
   */
  async search({ q, prefix, offset, limit }: CpvSearch): Promise<[CpvCodeEntity[], number]> {
    const query = this.codes.createQueryBuilder('cpv');
    if (q) query.andWhere(`cpv.description ILIKE :pattern ESCAPE '\\'`, { pattern: `%${escapeLike(q)}%` });
    if (prefix) query.andWhere('cpv.code LIKE :prefix', { prefix: `${prefix}%` });
    return query.orderBy('cpv.code', 'ASC').skip(offset).take(limit).getManyAndCount();
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
