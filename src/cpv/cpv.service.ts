import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from 'src/common/errors/domain-error';
import { offsetOf, Page, PaginationQueryDto } from 'src/common/pagination/pagination';
import { CpvCodeEntity } from 'src/cpv/cpv-code.entity';
import { CpvRepository } from 'src/cpv/cpv.repository';
import { isCpvCode } from 'src/cpv/domain/cpv-code';

@Injectable()
export class CpvService {
  constructor(private readonly cpv: CpvRepository) {}

  async get(code: string): Promise<CpvCodeEntity> {
    if (!isCpvCode(code)) {
      throw new ValidationFailedError([{ field: 'code', message: 'code must look like 72000000-5' }]);
    }
    const found = await this.cpv.findByCode(code);
    if (!found) throw new NotFoundError('CPV.NOT_FOUND', `No CPV code ${code}.`);
    return found;
  }

  async search(query: PaginationQueryDto & { q?: string; prefix?: string }): Promise<Page<CpvCodeEntity>> {
    const [items, total] = await this.cpv.search({
      q: query.q?.trim() || undefined,
      prefix: query.prefix,
      offset: offsetOf(query),
      limit: query.pageSize,
    });
    return { items, page: query.page, pageSize: query.pageSize, total };
  }

  /**
   * The codes in the list that are not in the vocabulary, with their position, so that a request
   * can be refused naming each bad one (`cpvCodes[2]`).
   */
  async findUnknown(codes: string[]): Promise<{ index: number; code: string }[]> {
    const existing = await this.cpv.findExistingCodes([...new Set(codes)]);
    return codes.map((code, index) => ({ index, code })).filter(({ code }) => !existing.has(code));
  }
}
