import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { ImportEntity } from 'src/imports/import.entity';
import { IMPORT_FORMATS, IMPORT_KINDS, IMPORT_STATUSES, ImportFormat, ImportKind, ImportStatus, MAX_STORED_ISSUES } from 'src/imports/domain/import.types';

export class ImportNeedsQueryDto {
  @ApiPropertyOptional({
    default: false,
    description: 'Publish every valid need whose submission deadline is ahead; the others stay drafts and are listed in warnings.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'publish must be true or false' })
  publish?: boolean;
}

export class RowIssueResponse {
  @ApiProperty({ description: 'JSON Lines: the line number; CSV: the record number after the header; OCDS package: the release position (1-based).' })
  row: number;
  @ApiProperty({ example: 'profile.cpvCodes[1]' }) field: string;
  @ApiProperty({ example: '99999999-9 is not a CPV code' }) message: string;
}

export class ImportResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: IMPORT_KINDS }) kind: ImportKind;
  @ApiProperty({ enum: IMPORT_FORMATS }) format: ImportFormat;
  @ApiProperty({ enum: IMPORT_STATUSES, description: '`completed`: every good row is stored (and seen by matching workers on their next look).' })
  status: ImportStatus;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The buyer organisation needs are imported into.' })
  organisationId: string | null;
  @ApiProperty({ description: 'Needs only: valid needs with a future deadline are published.' }) publish: boolean;
  @ApiProperty({ description: 'Bytes received.' }) bytes: number;
  @ApiProperty({ description: 'Rows in the upload (blank lines are not rows).' }) total: number;
  @ApiProperty({ description: 'Rows handled so far: created + updated + unchanged + failed.' }) processed: number;
  @ApiProperty({ description: 'Rows that created a supplier or need.' }) created: number;
  @ApiProperty({ description: 'Rows that changed an existing supplier or need (its version went up).' }) updated: number;
  @ApiProperty({ description: 'Rows identical to what was stored: nothing written, no version change.' }) unchanged: number;
  @ApiProperty({ description: 'Rows refused (exact count); the first ones are in errors.' }) failed: number;
  @ApiProperty({ description: 'Needs only: needs this import published.' }) published: number;
  @ApiProperty({ description: 'Needs only, with publish: valid needs left as drafts (no future deadline), listed in warnings.' })
  notPublished: number;
  @ApiProperty({ type: [RowIssueResponse], description: `Refused rows, in row order; the first ${MAX_STORED_ISSUES}.` })
  errors: RowIssueResponse[];
  @ApiProperty({ type: [RowIssueResponse], description: `Rows stored with a remark (not published, OCDS values left out); the first ${MAX_STORED_ISSUES}.` })
  warnings: RowIssueResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Why a failed import stopped (not about rows: those are in errors).' })
  failureReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt: string | null;
}

export class ImportPageResponse {
  @ApiProperty({ type: ImportResponse, isArray: true }) items: ImportResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export function toImportResponse(entity: ImportEntity): ImportResponse {
  return {
    id: entity.id,
    kind: entity.kind,
    format: entity.format,
    status: entity.status,
    organisationId: entity.organisationId,
    publish: entity.publish,
    bytes: Number(entity.byteSize),
    total: entity.total,
    processed: entity.processed,
    created: entity.created,
    updated: entity.updated,
    unchanged: entity.unchanged,
    failed: entity.failed,
    published: entity.published,
    notPublished: entity.notPublished,
    errors: entity.errors.map(({ row, field, message }) => ({ row, field, message })),
    warnings: entity.warnings.map(({ row, field, message }) => ({ row, field, message })),
    failureReason: entity.failureReason,
    createdAt: entity.createdAt.toISOString(),
    startedAt: entity.startedAt?.toISOString() ?? null,
    finishedAt: entity.finishedAt?.toISOString() ?? null,
  };
}
