import { Foundation1795619668262 } from './1795619668262-Foundation';
import { OutboxAndWebhooks1795621803277 } from './1795621803277-OutboxAndWebhooks';

/** Every migration, in order. A test checks that each file in this folder is listed here. */
export const MIGRATIONS = [Foundation1795619668262, OutboxAndWebhooks1795621803277];
