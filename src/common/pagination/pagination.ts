import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 100;

export class PaginationQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize: number = 20;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export function pageOf<T>(items: T[], query: PaginationQueryDto, total: number): Page<T> {
  return { items, page: query.page, pageSize: query.pageSize, total };
}

/** The OFFSET for a page; pages are 1-based. */
export function offsetOf(query: PaginationQueryDto): number {
  return (query.page - 1) * query.pageSize;
}

/**
 * The total of a page read with `count(*) OVER () AS total`. That count rides on the page's rows, so
 * a page past the end has none to carry it: then `count` is asked on its own.
 */
export async function totalOfPage(rows: readonly { total: string | number }[], offset: number, count: () => Promise<number>): Promise<number> {
  if (rows.length > 0) return Number(rows[0].total);
  return offset === 0 ? 0 : count();
}
