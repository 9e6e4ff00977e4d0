import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Transactions } from '../database/transaction';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';
import { LoginService } from './login.service';
import { OperatorsController } from './operators.controller';
import { OperatorsRepository } from './operators.repository';
import { OperatorsService } from './operators.service';
import { RateLimitService } from './rate-limit/rate-limit.service';
import { RequestGate } from './request-gate';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

@Module({
  controllers: [KeysController, AuthController, OperatorsController],
  providers: [
    ApiKeysRepository,
    ApiKeysService,
    KeysService,
    OperatorsRepository,
    OperatorsService,
    SessionsRepository,
    SessionsService,
    LoginService,
    Authenticator,
    RateLimitService,
    RequestGate,
    Transactions,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeysService, RateLimitService],
})
export class AuthModule {}
