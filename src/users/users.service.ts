import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import { hashPassword } from 'src/auth/domain/password-hash';
import { ORGANISATION_KIND_OF_ROLE, Principal, Role } from 'src/auth/roles';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { ConflictError, ValidationFailedError } from 'src/common/errors/domain-error';
import { OrganisationsService } from 'src/organisations/organisations.service';
import { UserEntity } from 'src/users/user.entity';
import { UsersRepository } from 'src/users/users.repository';

export interface NewUser {
  email: string;
  password: string;
  role: Role;
  organisationId?: string | null;
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly organisations: OrganisationsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when no user has that email. */
  async onApplicationBootstrap(): Promise<void> {
    const existing = await this.users.findByEmail(this.config.adminEmail);
    if (existing) return;
    const created = await this.dataSource.transaction(async (manager) => {
      const user = await this.insertWith(manager, null, {
        email: this.config.adminEmail,
        password: this.config.adminPassword,
        role: 'admin',
      });
      return user;
    });
    if (created) this.logger.log(`Created the first admin, ${this.config.adminEmail}`);
  }

  /** An admin creates a user of an existing organisation whose kind fits the role. */
  async create(actor: Principal, input: NewUser): Promise<UserEntity> {
    const expectedKind = ORGANISATION_KIND_OF_ROLE[input.role];
    if (expectedKind === null) {
      if (input.organisationId) {
        throw new ValidationFailedError([{ field: 'organisationId', message: 'admins belong to no organisation' }]);
      }
    } else {
      if (!input.organisationId) {
        throw new ValidationFailedError([{ field: 'organisationId', message: `a ${input.role} needs an organisationId` }]);
      }
      const organisation = await this.organisations.findById(input.organisationId);
      if (!organisation) {
        throw new ValidationFailedError([{ field: 'organisationId', message: 'no such organisation' }]);
      }
      if (organisation.kind !== expectedKind) {
        throw new ValidationFailedError([
          { field: 'role', message: `a ${input.role} must belong to a ${expectedKind} organisation, not a ${organisation.kind} one` },
        ]);
      }
    }
    const user = await this.dataSource.transaction((manager) => this.insertWith(manager, actor.userId, input));
    if (!user) throw emailTaken();
    return user;
  }

  /** Inserts inside the caller's transaction; throws 409 when the email is taken. */
  async createWith(manager: EntityManager, actorId: string | null, input: NewUser): Promise<UserEntity> {
    const user = await this.insertWith(manager, actorId, input);
    if (!user) throw emailTaken();
    return user;
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findByEmail(email);
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findById(id);
  }

  private async insertWith(manager: EntityManager, actorId: string | null, input: NewUser): Promise<UserEntity | null> {
    const user = await this.users.insertIfEmailFree(manager, {
      email: input.email,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      organisationId: input.organisationId ?? null,
    });
    if (!user) return null;
    await this.audit.record(manager, {
      actorId: actorId ?? user.id,
      action: 'user.create',
      objectType: 'user',
      objectId: user.id,
      // Never the hash: audit rows are read by admins and kept for ever.
      after: { id: user.id, email: user.email, role: user.role, organisationId: user.organisationId },
    });
    return user;
  }
}

function emailTaken(): ConflictError {
  return new ConflictError('USER.EMAIL_TAKEN', 'A user with this email already exists.', [
    { field: 'email', message: 'is already registered' },
  ]);
}
