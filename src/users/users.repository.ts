import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { UserEntity } from 'src/users/user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email: email.toLowerCase() });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** Inserts unless the email is taken; null when it is (the unique index decides, not a prior read). */
  async insertIfEmailFree(manager: EntityManager, values: Pick<UserEntity, 'email' | 'passwordHash' | 'role' | 'organisationId'>): Promise<UserEntity | null> {
    const rows = await manager.query<UserEntity[]>(
      `INSERT INTO users (email, password_hash, role, organisation_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT ((lower(email))) DO NOTHING
       RETURNING id, email, password_hash AS "passwordHash", role, organisation_id AS "organisationId", created_at AS "createdAt"`,
      [values.email.toLowerCase(), values.passwordHash, values.role, values.organisationId],
    );
    return rows[0] ?? null;
  }
}
