import { Injectable, Param, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from 'src/common/errors/domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
class UuidPipe implements PipeTransform<string, string> {
  constructor(private readonly name: string) {}

  transform(value: string): string {
    if (!UUID.test(value)) throw new ValidationFailedError([{ field: this.name, message: `${this.name} must be a UUID` }]);
    return value.toLowerCase();
  }
}

/** A route parameter that must be a UUID (400 naming it otherwise). */
export const IdParam = (name = 'id') => Param(name, new UuidPipe(name));
