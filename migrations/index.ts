import { Foundation1795619668262 } from './1795619668262-Foundation';
import { AsyncActions1795620088745 } from './1795620088745-AsyncActions';
import { ValidationRules1795620612137 } from './1795620612137-ValidationRules';

/** Every migration, in order. A test checks that each file in this folder is listed here. */
export const MIGRATIONS = [
  Foundation1795619668262,
  AsyncActions1795620088745,
  ValidationRules1795620612137,
];
