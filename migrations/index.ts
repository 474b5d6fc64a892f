import { Foundation1795619668262 } from './1795619668262-Foundation';
import { AsyncActions1795620088745 } from './1795620088745-AsyncActions';
import { VouchersCampaigns1795620271739 } from './1795620271739-VouchersCampaigns';
import { ProjectRateLimits1795620401240 } from './1795620401240-ProjectRateLimits';
import { ValidationRules1795620612137 } from './1795620612137-ValidationRules';
import { DashboardBackend1795621635978 } from './1795621635978-DashboardBackend';
import { CustomersAndOrders1795621766887 } from './1795621766887-CustomersAndOrders';
import { OutboxAndWebhooks1795621803277 } from './1795621803277-OutboxAndWebhooks';
import { RedemptionsHoldsIdempotency1795621923842 } from './1795621923842-RedemptionsHoldsIdempotency';
import { Publications1795622527273 } from './1795622527273-Publications';
import { CustomerActivities1795623112740 } from './1795623112740-CustomerActivities';
import { ReportRollups1795624965921 } from './1795624965921-ReportRollups';
import { LedgerPending1796641119316 } from './1796641119316-LedgerPending';

/** Every migration, in timestamp order. Written by `npm run migration:generate` (scripts/migration.js); a test checks it lists every file. */
export const MIGRATIONS = [
  Foundation1795619668262,
  AsyncActions1795620088745,
  VouchersCampaigns1795620271739,
  ProjectRateLimits1795620401240,
  ValidationRules1795620612137,
  DashboardBackend1795621635978,
  CustomersAndOrders1795621766887,
  OutboxAndWebhooks1795621803277,
  RedemptionsHoldsIdempotency1795621923842,
  Publications1795622527273,
  CustomerActivities1795623112740,
  ReportRollups1795624965921,
  LedgerPending1796641119316,
];
