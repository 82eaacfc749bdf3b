/** What fal reports about a finished request's cost: its billable units (and, from its pricing API, the unit price). */
export interface FalBilling {
  /**
   * The units fal billed for a finished request (`x-fal-billable-units` on its result). `billed: false`
   * when the request failed (fal bills only successful outputs); `units` undefined when fal said nothing.
   * Throws when fal could not be asked.
   */
  billableUnits(endpoint: string, requestId: string): Promise<{ billed: boolean; units?: number }>;
  /** The endpoint's price per unit in USD, cached; undefined when fal publishes none. Throws when fal could not be asked. */
  unitPriceUsd(endpoint: string): Promise<number | undefined>;
}
