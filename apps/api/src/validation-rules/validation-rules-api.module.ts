import { Module } from '@nestjs/common';
import { ValidationsModule } from '@app/validations';
import { ValidationRulesController } from './validation-rules.controller';

@Module({ imports: [ValidationsModule], controllers: [ValidationRulesController] })
export class ValidationRulesApiModule {}
