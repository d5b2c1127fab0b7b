import { isEditable, NEED_STATUSES, NeedAction, NeedStatus, transition } from 'src/needs/domain/need-lifecycle';

describe('need lifecycle', () => {
  const allowed: [NeedStatus, NeedAction, NeedStatus][] = [
    ['draft', 'publish', 'open'],
    ['open', 'close', 'closed'],
    ['open', 'award', 'awarded'],
    ['closed', 'award', 'awarded'],
    ['draft', 'cancel', 'cancelled'],
    ['open', 'cancel', 'cancelled'],
    ['closed', 'cancel', 'cancelled'],
  ];

  it.each(allowed)('lets a %s need be %sed into %s', (from, action, to) => {
    expect(transition(from, action)).toEqual({ ok: true, to });
  });

  const actions: NeedAction[] = ['publish', 'close', 'award', 'cancel'];
  const refused = NEED_STATUSES.flatMap((from) =>
    actions.filter((action) => !allowed.some(([f, a]) => f === from && a === action)).map((action) => [from, action] as const),
  );

  it.each(refused)('refuses to %s a need with action %s', (from, action) => {
    const result = transition(from, action);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(from);
  });

  it('covers every status and action pair', () => {
    expect(allowed.length + refused.length).toBe(NEED_STATUSES.length * actions.length);
  });

  it.each([
    ['draft', true],
    ['open', true],
    ['closed', false],
    ['awarded', false],
    ['cancelled', false],
  ] as const)('editable(%s) is %s', (status, editable) => {
    expect(isEditable(status)).toBe(editable);
  });
});
