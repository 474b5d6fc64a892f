import { Foundation1795619668262 } from './1795619668262-Foundation';
import { AsyncActions1795620088745 } from './1795620088745-AsyncActions';
import { VouchersCampaigns1795620271739 } from './1795620271739-VouchersCampaigns';
import { CustomersAndOrders1795620449114 } from './1795620449114-CustomersAndOrders';
import { ValidationRules1795620612137 } from './1795620612137-ValidationRules';

/** Every migration, in timestamp order. Written by `npm run migration:generate` (scripts/migration.js); a test checks it lists every file. */
export const MIGRATIONS = [
  Foundation1795619668262,
  AsyncActions1795620088745,
  VouchersCampaigns1795620271739,
  CustomersAndOrders1795620449114,
  ValidationRules1795620612137,
];
