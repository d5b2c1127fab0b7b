import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { AuthController } from 'src/auth/auth.controller';
import { AuthGuard } from 'src/auth/auth.guard';
import { AuthService } from 'src/auth/auth.service';
import { LoginThrottleService } from 'src/auth/login-throttle.service';
import { RedisThrottlerStorage } from 'src/auth/redis-throttler.storage';
import { WriteThrottlerGuard } from 'src/auth/write-throttler.guard';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { OrganisationsModule } from 'src/organisations/organisations.module';
import { PRODUCER_REDIS } from 'src/queue/producer-redis.module';
import { UsersModule } from 'src/users/users.module';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        // A KeyObject made once: given a string, jsonwebtoken first tries (and fails) to parse it as a
        // public key on every verify, which cost more than the rest of a GET request together.
        const key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
        return { secretOrKeyProvider: () => key, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } };
      },
    }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, PRODUCER_REDIS],
      useFactory: (config: AppConfig, redis: Redis) => ({
        throttlers: [{ name: 'writes', ttl: 60_000, limit: config.writeRateLimitPerMinute }],
        // Counted in Redis: the limit is per user across every API process.
        storage: new RedisThrottlerStorage(redis, config),
      }),
    }),
    UsersModule,
    OrganisationsModule,
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    LoginThrottleService,
    // Order matters: the auth guard sets the principal that the write throttler keys on.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: WriteThrottlerGuard },
  ],
})
export class AuthModule {}
