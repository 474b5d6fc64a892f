import { AppError } from '@app/core';
import { csvCell, csvLine } from './csv';
import { batchQuery, countQuery, exportFields, validateFilters } from './export-query';
import { EXPORTABLE } from './export-registry';

const voucher = EXPORTABLE.voucher;

/** The reason of an AppError lives in its details (its message is the generic one). */
function detailsOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return error.details ?? '';
    throw error;
  }
  throw new Error('expected an AppError');
}
const input = {
  projectId: 'proj_1',
  fields: ['code', 'metadata.tier', 'created_at'],
  filters: {},
  order: 'created_at' as const,
  createdUpTo: null,
};

describe('exportFields', () => {
  it('defaults to the type default fields and accepts metadata.<key>', () => {
    expect(exportFields(voucher, undefined)).toEqual(voucher.defaultFields);
    expect(exportFields(voucher, ['code', 'metadata.tier'])).toEqual(['code', 'metadata.tier']);
  });

  it('refuses unknown fields, bad metadata keys and duplicates', () => {
    expect(detailsOf(() => exportFields(voucher, ['code', 'secret']))).toMatch(/unknown field/);
    expect(detailsOf(() => exportFields(voucher, ["metadata.x'; drop"]))).toMatch(
      /invalid metadata key/,
    );
    expect(detailsOf(() => exportFields(voucher, ['code', 'code']))).toMatch(/duplicates/);
  });
});

describe('batchQuery', () => {
  it('scopes by project, keeps parameters out of the SQL and orders by the keyset', () => {
    const q = batchQuery(voucher, input, null, 500);
    expect(q.sql).toContain('t.project_id = $2');
    expect(q.sql).toContain('t.deleted_at IS NULL');
    expect(q.sql).toMatch(/ORDER BY t.created_at ASC, t.id ASC LIMIT \$3/);
    expect(q.params).toEqual(['tier', 'proj_1', 500]);
  });

  it('orders, snapshots and continues redemptions by their date column', () => {
    const q = batchQuery(
      EXPORTABLE.redemption,
      { ...input, fields: ['id', 'date'], createdUpTo: new Date('2026-01-01T00:00:00Z') },
      { createdAt: '2026-01-01 00:00:00+00', id: 'r_1' },
      10,
    );
    expect(q.sql).toContain('t.date <= $2::timestamptz');
    expect(q.sql).toContain('(t.date, t.id) > ($3::timestamptz, $4)');
    expect(q.sql).toMatch(/t\.date::text AS "cursor_created_at"/);
    expect(q.sql).toMatch(/ORDER BY t\.date ASC, t\.id ASC/);
    expect(q.sql).not.toContain('created_at <=');
  });

  it('every registered type offers its default fields', () => {
    for (const type of Object.values(EXPORTABLE))
      expect(exportFields(type, undefined)).toEqual(type.defaultFields);
  });

  it('continues after the cursor in the order asked for', () => {
    const asc = batchQuery(
      voucher,
      input,
      { createdAt: '2026-01-01 00:00:00.123456+00', id: 'v_9' },
      10,
    );
    expect(asc.sql).toContain('(t.created_at, t.id) > ($3::timestamptz, $4)');
    const desc = batchQuery(
      voucher,
      { ...input, order: '-created_at' },
      { createdAt: 'x', id: 'v_9' },
      10,
    );
    expect(desc.sql).toContain('(t.created_at, t.id) < (');
    expect(desc.sql).toContain('ORDER BY t.created_at DESC, t.id DESC');
  });

  it('turns filters into typed, parameterised conditions joined by the junction', () => {
    const q = countQuery(voucher, {
      ...input,
      filters: {
        junction: 'or',
        campaign_id: { conditions: { $in: ['camp_1', 'camp_2'] } },
        redemption_count: { conditions: { $more_than: [2] } },
        created_at: { conditions: { $after: ['2026-01-01T00:00:00Z'] } },
        'metadata.tier': { conditions: { $is: 'gold' } },
        code: { conditions: { $starts_with: ['50%_'] } },
      },
    });
    expect(q.sql).toContain('t.campaign_id = ANY($2::text[])');
    expect(q.sql).toContain('t.redeemed_quantity > $3::numeric');
    expect(q.sql).toContain('t.created_at > $4::timestamptz');
    expect(q.sql).toContain('t.metadata->>$5 = $6');
    expect(q.sql).toContain('t.code LIKE $7');
    expect(q.sql).toContain(' OR ');
    expect(q.params).toEqual([
      'proj_1',
      ['camp_1', 'camp_2'],
      2,
      '2026-01-01T00:00:00.000Z',
      'tier',
      'gold',
      '50\\%\\_%',
    ]);
  });

  it('refuses unknown operators, fields and badly typed values', () => {
    const reason = (filters: Record<string, unknown>) =>
      detailsOf(() => validateFilters(voucher, filters));
    expect(reason({ code: { conditions: { $regex: ['x'] } } })).toMatch(/unknown operator/);
    expect(reason({ nope: { conditions: { $is: ['x'] } } })).toMatch(/unknown field/);
    expect(reason({ redemption_count: { conditions: { $is: ['many'] } } })).toMatch(/number/);
    expect(reason({ created_at: { conditions: { $after: ['soon'] } } })).toMatch(/date/);
    expect(reason({ code: { conditions: ['x'] } })).toMatch(/conditions/);
    expect(reason({ metadata: { conditions: { $is: ['x'] } } })).toMatch(/metadata/);
  });
});

describe('csv', () => {
  it('quotes only what needs quoting and doubles quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvLine(['x', 1, true, null])).toBe('x,1,true,\r\n');
  });
});
