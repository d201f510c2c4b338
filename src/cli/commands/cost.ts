import { UserError } from '../errors.js';
import type { CliIo } from '../io.js';
import type { FreeTierModel } from '../../cost/estimate.js';
import { loadParamsOrExplain } from '../params.js';

export interface CostOptions {
  env?: string | undefined;
  params?: string | undefined;
  region: string;
  json: boolean;
  /** which free tier to count; none unless asked */
  freeTier?: FreeTierModel | undefined;
}

export async function costCommand(options: CostOptions, io: CliIo): Promise<number> {
  const { PRICE_LIST, regionPrices } = await import('../../cost/prices.js');
  const prices = regionPrices(PRICE_LIST, options.region);
  if (!prices) {
    const known = Object.keys(PRICE_LIST.regions).sort().join(', ');
    throw new UserError(
      `cost --region ${options.region}: no prices for this region`,
      `Use one of ${known}, or add the region to src/cost/prices.json from AWS's price pages.`,
    );
  }
  // The region only picks prices here: ARNs in the params are not checked against it.
  const { shown: source, values } = await loadParamsOrExplain(
    { env: options.env, params: options.params },
    io,
    'cost',
  );
  const { estimateCost, UnknownInstancePriceError } = await import('../../cost/estimate.js');
  const { DEFAULT_ASSUMPTIONS } = await import('../../cost/assumptions.js');
  const { formatTable, toJson } = await import('../../cost/format.js');
  let estimate;
  try {
    estimate = estimateCost(
      values,
      PRICE_LIST,
      options.region,
      prices,
      DEFAULT_ASSUMPTIONS,
      options.freeTier ?? 'none',
    );
  } catch (error) {
    if (!(error instanceof UnknownInstancePriceError)) throw error;
    throw new UserError(
      `cost ${source}: ${error.message} in ${options.region}`,
      'Add the price to src/cost/prices.json from the RDS or EC2 pricing page.',
    );
  }
  io.stdout(options.json ? toJson(estimate, source) : formatTable(estimate, source));
  return 0;
}
