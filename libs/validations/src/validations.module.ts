import { Module } from '@nestjs/common';
import { ValidationRulesRepository } from './validation-rules.repository';
import { ValidationRulesService } from './validation-rules.service';

/**
 * Validation rules (CRUD, assignments) plus the pure rules engine, discount maths and
 * validity windows that the vouchers, validations and redemptions modules build on.
 */
@Module({
  providers: [ValidationRulesRepository, ValidationRulesService],
  exports: [ValidationRulesRepository, ValidationRulesService],
})
export class ValidationsModule {}
