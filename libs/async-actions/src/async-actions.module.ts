import { Global, Module } from '@nestjs/common';
import { AsyncActionsController } from './async-actions.controller';
import { AsyncActionsRepository } from './async-actions.repository';
import { AsyncActionsService } from './async-actions.service';

@Global()
@Module({
  controllers: [AsyncActionsController],
  providers: [AsyncActionsRepository, AsyncActionsService],
  exports: [AsyncActionsService],
})
export class AsyncActionsModule {}
