/**
 * A VCG auction of a divisible power budget among load bidders. Each bidder offers blocks of
 * power, each at a marginal value ($/MWh here, any unit per unit of power in general); a concave
 * bid has non-increasing block prices, so its value for any quantity is the area under its blocks.
 */
export interface BidBlock {
  /** Power of the block (kW, MW: the budget's unit), > 0. */
  quantity: number;
  /** Marginal value per unit of power for this block. */
  price: number;
}

export interface Bid {
  bidder: string;
  blocks: BidBlock[];
}

export interface AwardedBid {
  bidder: string;
  quantity: number;
  /** The bidder's value for what it got: Σ allocated block quantity × block price. */
  value: number;
  /** The Clarke-pivot payment: the harm its presence does to the others' welfare. */
  payment: number;
}

export interface AuctionResult {
  awards: AwardedBid[];
  /** Σ value of the allocation (the maximum over every split of the budget). */
  welfare: number;
  allocated: number;
  budget: number;
}

interface Block extends BidBlock {
  bidder: string;
}

/** Refuses bids that are not concave or have bad numbers, naming the bidder. */
export function checkBid(bid: Bid): void {
  let last = Infinity;
  for (const [i, b] of bid.blocks.entries()) {
    if (!(Number.isFinite(b.quantity) && b.quantity > 0)) {
      throw new RangeError(`${bid.bidder}: blocks[${i}].quantity must be a positive number`);
    }
    if (!Number.isFinite(b.price)) throw new RangeError(`${bid.bidder}: blocks[${i}].price must be a number`);
    if (b.price > last) throw new RangeError(`${bid.bidder}: block prices must not increase (a concave bid)`);
    last = b.price;
  }
}

/**
 * Greedy fill of the budget by price: optimal for concave (divisible) bids. Blocks at a price of
 * zero or less are never served. `skip` leaves one bidder out (for its Clarke pivot).
 */
function fill(
  sorted: Block[],
  budget: number,
  skip: string | null,
): { quantities: Map<string, number>; values: Map<string, number>; welfare: number } {
  const quantities = new Map<string, number>();
  const values = new Map<string, number>();
  let left = budget;
  let welfare = 0;
  for (const block of sorted) {
    if (left <= 0 || block.price <= 0) break;
    if (block.bidder === skip) continue;
    const q = Math.min(block.quantity, left);
    left -= q;
    welfare += q * block.price;
    quantities.set(block.bidder, (quantities.get(block.bidder) ?? 0) + q);
    values.set(block.bidder, (values.get(block.bidder) ?? 0) + q * block.price);
  }
  return { quantities, values, welfare };
}

/**
 * Splits `budget` among the bids to maximize total value, and charges each winner the welfare
 * the others lose because it is there (Clarke pivot): W(others | i absent) − W(others | i present).
 * Payments are never negative and never above the winner's value (individual rationality).
 */
export function vcgAuction(budget: number, bids: readonly Bid[]): AuctionResult {
  if (!(Number.isFinite(budget) && budget >= 0)) throw new RangeError('budget must be a non-negative number');
  const seen = new Set<string>();
  for (const bid of bids) {
    if (seen.has(bid.bidder)) throw new RangeError(`${bid.bidder}: one bid per bidder`);
    seen.add(bid.bidder);
    checkBid(bid);
  }
  // Stable order: higher price first; ties in the order bids were given.
  const sorted = bids
    .flatMap((bid) => bid.blocks.map((b) => ({ ...b, bidder: bid.bidder })))
    .map((block, index) => ({ block, index }))
    .sort((a, b) => b.block.price - a.block.price || a.index - b.index)
    .map(({ block }) => block);
  const all = fill(sorted, budget, null);
  const awards = bids.map((bid): AwardedBid => {
    const quantity = all.quantities.get(bid.bidder) ?? 0;
    const value = all.values.get(bid.bidder) ?? 0;
    if (quantity === 0) return { bidder: bid.bidder, quantity: 0, value: 0, payment: 0 };
    const othersWithout = fill(sorted, budget, bid.bidder).welfare;
    const othersWith = all.welfare - value;
    const payment = Math.min(value, Math.max(0, othersWithout - othersWith));
    return { bidder: bid.bidder, quantity, value, payment };
  });
  let allocated = 0;
  for (const a of awards) allocated += a.quantity;
  return { awards, welfare: all.welfare, allocated, budget };
}
