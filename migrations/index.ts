import { Foundation1795619668262 } from './1795619668262-Foundation';
import { ProjectRateLimits1795620401240 } from './1795620401240-ProjectRateLimits';

/** Every migration, in order. A test checks that each file in this folder is listed here. */
export const MIGRATIONS = [Foundation1795619668262, ProjectRateLimits1795620401240];
