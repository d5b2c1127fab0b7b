import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { accessTokenClaims } from 'src/auth/auth.guard';
import { dummyPasswordHash, verifyPassword } from 'src/auth/domain/password-hash';
import { LoginThrottleService } from 'src/auth/login-throttle.service';
import { Principal } from 'src/auth/roles';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { DomainError, NotFoundError } from 'src/common/errors/domain-error';
import { OrganisationsService } from 'src/organisations/organisations.service';
import { UserEntity } from 'src/users/user.entity';
import { UsersService } from 'src/users/users.service';

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly organisations: OrganisationsService,
    private readonly throttle: LoginThrottleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The same 401 whether the email is unknown or the password wrong, after the same amount of work. */
  async login(email: string, password: string, address: string): Promise<IssuedToken> {
    await this.throttle.assertAllowed(email, address);
    const user = await this.users.findByEmail(email);
    const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !valid) {
      await this.throttle.recordFailure(email, address);
      throw new DomainError('unauthenticated', 'AUTH.INVALID_CREDENTIALS', 'The email or password is wrong.');
    }
    await this.throttle.clear(email);
    return this.issue(user);
  }

  /** A supplier signs itself up: a supplier organisation and its first user, in one transaction. */
  async registerSupplier(input: {
    email: string;
    password: string;
    organisationName: string;
    companiesHouseNumber?: string;
    isSme?: boolean;
  }): Promise<IssuedToken> {
    const user = await this.dataSource.transaction(async (manager) => {
      const organisation = await this.organisations.createWith(manager, null, {
        kind: 'supplier',
        name: input.organisationName,
        companiesHouseNumber: input.companiesHouseNumber ?? null,
        isSme: input.isSme ?? false,
      });
      return this.users.createWith(manager, null, {
        email: input.email,
        password: input.password,
        role: 'supplier',
        organisationId: organisation.id,
      });
    });
    return this.issue(user);
  }

  async me(principal: Principal): Promise<UserEntity> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new NotFoundError('USER.NOT_FOUND', 'Your account no longer exists.');
    return user;
  }

  private async issue(user: UserEntity): Promise<IssuedToken> {
    const principal: Principal = { userId: user.id, role: user.role, organisationId: user.organisationId };
    const accessToken = await this.jwt.signAsync(accessTokenClaims(principal), {
      expiresIn: this.config.jwtExpiresIn,
      algorithm: 'HS256',
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwtExpiresIn };
  }
}
