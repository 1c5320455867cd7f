import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { PriceList } from './price-list.js';
import { PricingCalculator } from './pricing-calculator.js';
import { UsageController } from './usage.controller.js';
import { UsageMeter } from './usage-meter.js';
import { UsageRepository } from './usage.repository.js';
import { UsageService } from './usage.service.js';

@Module({
  imports: [UsersModule],
  controllers: [UsageController],
  providers: [UsageMeter, UsageRepository, UsageService, PricingCalculator, PriceList],
  exports: [UsageMeter, UsageService, PricingCalculator, PriceList],
})
export class UsageModule {}
