import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainError, ValidationFailedError } from 'src/common/errors/domain-error';

/**
 * The version a client read, from `If-Match: 3` (also `"3"` or `W/"3"`, as ETags are written).
 * Missing → 428, so an edit can never silently overwrite someone else's.
 */
export const IfMatchVersion = createParamDecorator((_data: unknown, context: ExecutionContext): number => {
  const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['if-match'];
  if (header === undefined || header.trim() === '') {
    throw new DomainError('precondition_required', 'REQUEST.IF_MATCH_REQUIRED', 'Send If-Match with the version you are editing.', [
      { field: 'If-Match', message: 'is required' },
    ]);
  }
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match) throw new ValidationFailedError([{ field: 'If-Match', message: 'must be a version number such as 3' }]);
  return Number(match[1]);
});
