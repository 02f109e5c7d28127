import { BoundedQueue } from './bounded-queue';

describe('BoundedQueue', () => {
  it('keeps order, and a full queue drops the oldest', () => {
    const q = new BoundedQueue<number>(3);
    expect([q.push(1), q.push(2), q.push(3)]).toEqual([undefined, undefined, undefined]);
    expect(q.push(4)).toBe(1);
    expect(q.size).toBe(3);
    expect([q.shift(), q.shift()]).toEqual([2, 3]);
    q.push(5);
    q.push(6);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([4, 5, 6, undefined]);
    expect(q.size).toBe(0);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new BoundedQueue(0)).toThrow('capacity');
    expect(() => new BoundedQueue(1.5)).toThrow('capacity');
  });
});
