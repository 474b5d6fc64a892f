import { CustomerEntity } from './customer.entity';
import { customerChanges, serializeCustomer } from './customer.mapping';

describe('customer field mapping', () => {
  it('keeps absent fields out and passes null through as a clear', () => {
    expect(customerChanges({ name: 'A', email: null })).toEqual({ name: 'A', email: null });
    expect(customerChanges({})).toEqual({});
  });

  it('changes only the address lines given; address null clears them all', () => {
    expect(customerChanges({ address: { city: 'Oslo', line_2: null } })).toEqual({
      addressCity: 'Oslo',
      addressLine2: null,
    });
    expect(customerChanges({ address: null })).toEqual({
      addressCity: null,
      addressState: null,
      addressLine1: null,
      addressLine2: null,
      addressCountry: null,
      addressPostalCode: null,
    });
  });

  it('metadata null becomes an empty object', () => {
    expect(customerChanges({ metadata: null })).toEqual({ metadata: {} });
  });

  it('serializes the contract shape with a derived average order amount', () => {
    const entity = Object.assign(new CustomerEntity(), {
      id: 'cust_1',
      sourceId: 's',
      metadata: {},
      ordersTotalAmount: 1001,
      ordersTotalCount: 2,
      ordersLastAmount: 1,
      ordersLastDate: new Date('2024-01-02T03:04:05.678Z'),
      createdAt: new Date('2024-01-01T00:00:00.000Z'),
      updatedAt: null,
    });
    const body = serializeCustomer(entity);
    expect(body.summary.orders).toEqual({
      total_amount: 1001,
      total_count: 2,
      average_amount: 501,
      last_order_amount: 1,
      last_order_date: '2024-01-02T03:04:05.678Z',
    });
    expect(body).toMatchObject({
      object: 'customer',
      created_at: '2024-01-01T00:00:00.000Z',
      updated_at: null,
    });
  });
});
