import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { Errors } from '../errors/app-error';

export const MAX_PAGE = 1000;

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** Paging shared by every list endpoint: limit 1–100 (default 10), 1-based page, `order=-created_at`. */
export class ListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ example: '-created_at' })
  @IsOptional()
  @IsString()
  @Matches(/^-?[a-z_.]+$/)
  order?: string;
}

export interface Paging {
  limit: number;
  page: number;
  offset: number;
}

export function paging(query: { limit?: number; page?: number }): Paging {
  const limit = query.limit ?? 10;
  const page = query.page ?? 1;
  if (page > MAX_PAGE) throw Errors.pageOverLimit(MAX_PAGE);
  return { limit, page, offset: (page - 1) * limit };
}

export interface SortOrder<F extends string> {
  field: F;
  direction: 'ASC' | 'DESC';
}

/** Parses `order=-created_at` against the fields a list allows; default newest first. */
export function parseOrder<F extends string>(
  order: string | undefined,
  allowed: readonly F[],
  fallback: SortOrder<F>,
): SortOrder<F> {
  if (!order) return fallback;
  const descending = order.startsWith('-');
  const field = (descending ? order.slice(1) : order) as F;
  if (!allowed.includes(field)) {
    throw Errors.invalidQueryParams(
      `Property .order must be one of ${allowed.flatMap((f) => [f, `-${f}`]).join(', ')}`,
    );
  }
  return { field, direction: descending ? 'DESC' : 'ASC' };
}

/** The contract's list envelope: `{object:'list', data_ref, <data_ref>: [...], total, ...extra}`. */
export function listEnvelope<T>(
  dataRef: string,
  items: T[],
  total?: number,
  extra: Record<string, unknown> = {},
) {
  const envelope: Record<string, unknown> = { object: 'list', data_ref: dataRef, [dataRef]: items };
  if (total !== undefined) envelope.total = total;
  return Object.assign(envelope, extra);
}
