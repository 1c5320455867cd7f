import { Global, Module } from '@nestjs/common';
import { EgressPolicy } from './egress-policy.js';

@Global()
@Module({ providers: [EgressPolicy], exports: [EgressPolicy] })
export class EgressModule {}
