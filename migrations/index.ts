import { Foundation1795619668262 } from './1795619668262-Foundation';
import { Outbox1795620330813 } from './1795620330813-Outbox';
import { Webhooks1795621457454 } from './1795621457454-Webhooks';

/** Every migration, in order. A test checks that each file in this folder is listed here. */
export const MIGRATIONS = [Foundation1795619668262, Outbox1795620330813, Webhooks1795621457454];
