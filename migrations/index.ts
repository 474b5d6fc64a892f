import { Foundation1795619668262 } from './1795619668262-Foundation';
import { AsyncActions1795620088745 } from './1795620088745-AsyncActions';

/** Every migration, in order. A test checks that each file in this folder is listed here. */
export const MIGRATIONS = [Foundation1795619668262, AsyncActions1795620088745];
