import { cursorPages } from './api';

describe('cursorPages', () => {
  const pages: Record<string, { items: number[]; nextCursor: string | null }> = {
    first: { items: [5, 4], nextCursor: 'b' },
    b: { items: [3, 2], nextCursor: 'c' },
    c: { items: [1], nextCursor: null },
  };
  const page = vi.fn(async (cursor: string | undefined) => pages[cursor ?? 'first']);
  beforeEach(() => page.mockClear());

  it('reads as many pages as asked, following each nextCursor, and says that more follow', async () => {
    expect(await cursorPages(2, page)).toEqual({ items: [5, 4, 3, 2], more: true });
    expect(page.mock.calls).toEqual([[undefined], ['b']]);
  });
  it('stops at the last page, however many were asked for', async () => {
    expect(await cursorPages(5, page)).toEqual({ items: [5, 4, 3, 2, 1], more: false });
    expect(page).toHaveBeenCalledTimes(3);
  });
});
