import { commitmentOutput, readAccountSettings } from '../state/account-settings.js';
import type { Handler } from '../state/services.js';

export const describeAccountSettings: Handler<'DescribeAccountSettings'> = async (
  { engine },
  _input,
  ctx,
) => {
  const settings = await readAccountSettings(engine, ctx.account, ctx.region);
  return { MinimumThroughputBillingCommitment: commitmentOutput(settings) };
};
