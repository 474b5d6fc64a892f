import { AppError, Errors } from '../errors/app-error';
import {
  FILTER_OPERATORS,
  ListFilterCondition,
  ListFilterSyntax,
  MAX_FILTER_CONDITIONS,
  MAX_FILTER_VALUES,
  parseListFilters,
} from './filters';

const syntax: ListFilterSyntax<ListFilterCondition> = {
  path: '.filters',
  error: Errors.invalidQueryParams,
  operators: () => FILTER_OPERATORS,
  unknownOperator: (path, op) => `Property ${path}: unknown operator ${op}`,
  condition: (c) => c,
};

function failure(work: () => unknown): AppError {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('parseListFilters', () => {
  it('reads the junction and every condition with its values and property path', () => {
    expect(
      parseListFilters(
        {
          junction: 'or',
          code: { conditions: { $in: { 0: 'A', 1: 'B' }, $is_not: 'C' } },
          'metadata.n': { conditions: { $more_than: [1] } },
          category: { conditions: { $has_value: [] } },
        },
        syntax,
      ),
    ).toEqual({
      junction: 'OR',
      conditions: [
        {
          field: 'code',
          operator: '$in',
          values: ['A', 'B'],
          path: '.filters.code.conditions.$in',
        },
        {
          field: 'code',
          operator: '$is_not',
          values: ['C'],
          path: '.filters.code.conditions.$is_not',
        },
        {
          field: 'metadata.n',
          operator: '$more_than',
          values: ['1'],
          path: '.filters.metadata.n.conditions.$more_than',
        },
        {
          field: 'category',
          operator: '$has_value',
          values: [],
          path: '.filters.category.conditions.$has_value',
        },
      ],
    });
  });

  it('defaults to AND with no conditions when there are no filters', () => {
    expect(parseListFilters(undefined, syntax)).toEqual({ junction: 'AND', conditions: [] });
    expect(parseListFilters({}, syntax)).toEqual({ junction: 'AND', conditions: [] });
  });

  it.each([
    [{ junction: 'XOR' }, 'Property .filters.junction must be AND or OR'],
    [{ code: 'x' }, 'Property .filters.code.conditions must be an object of operators'],
    [{ code: { conditions: ['x'] } }, 'Property .filters.code.conditions must be an object'],
    [
      { code: { conditions: { $regex: 'x' } } },
      'Property .filters.code.conditions.$regex: unknown operator $regex',
    ],
    [
      { code: { conditions: { $is: [{ a: 1 }] } } },
      'Property .filters.code.conditions.$is must hold scalar values',
    ],
    [
      { code: { conditions: { $in: Array.from({ length: MAX_FILTER_VALUES + 1 }, String) } } },
      `Property .filters.code.conditions.$in has more than ${MAX_FILTER_VALUES} values`,
    ],
    [
      Object.fromEntries(
        Array.from({ length: MAX_FILTER_CONDITIONS + 1 }, (_, i) => [
          `f${i}`,
          { conditions: { $is: 'x' } },
        ]),
      ),
      `At most ${MAX_FILTER_CONDITIONS} filter conditions are supported`,
    ],
  ])('rejects %j with a 400 naming the property', (filters, details) => {
    const error = failure(() => parseListFilters(filters as Record<string, unknown>, syntax));
    expect(error.status).toBe(400);
    expect(error.key).toBe('invalid_query_params');
    expect(error.details).toContain(details);
  });

  it('answers with the caller’s error, path and junction spelling', () => {
    const body = {
      ...syntax,
      path: '.parameters.filters',
      error: Errors.invalidPayload,
      junctionHint: 'and or or',
    };
    const error = failure(() => parseListFilters({ junction: 'x' }, body));
    expect(error.key).toBe('invalid_payload');
    expect(error.details).toBe('Property .parameters.filters.junction must be and or or');
  });

  it('checks the values before the operator unless the caller asks otherwise', () => {
    const filters = { code: { conditions: { $regex: [{}] } } };
    expect(failure(() => parseListFilters(filters, syntax)).details).toContain('scalar');
    expect(
      failure(() => parseListFilters(filters, { ...syntax, operatorBeforeValues: true })).details,
    ).toContain('unknown operator');
  });

  it('checks a field before its conditions and hands the result to each condition', () => {
    const seen: string[] = [];
    const parsed = parseListFilters(
      { code: { conditions: { $is: 'A' } } },
      {
        ...syntax,
        field: (field, path) => {
          seen.push(path);
          return field.toUpperCase();
        },
        condition: (c, field) => `${field} ${c.operator} ${c.values.join()}`,
      },
    );
    expect(seen).toEqual(['.filters.code']);
    expect(parsed.conditions).toEqual(['CODE $is A']);
    const error = failure(() =>
      parseListFilters(
        { nope: 'not even conditions' },
        {
          ...syntax,
          field: (_field, path) => {
            throw Errors.invalidQueryParams(`Property ${path}: unknown field`);
          },
        },
      ),
    );
    expect(error.details).toBe('Property .filters.nope: unknown field');
  });

  it('asks the caller which operators each field knows', () => {
    const perField = {
      ...syntax,
      operators: (field: string) => (field === 'active' ? ['$active'] : FILTER_OPERATORS),
    };
    expect(
      parseListFilters({ active: { conditions: { $active: 'true' } } }, perField).conditions,
    ).toHaveLength(1);
    expect(
      failure(() => parseListFilters({ active: { conditions: { $is: 'true' } } }, perField))
        .details,
    ).toContain('unknown operator $is');
  });
});
