import type { Manifest } from '../manifest/types.js';
import type { Delivery } from '../notify/deliver.js';
import { deliverEvent, deliveryProblemLine } from '../notify/deliver.js';
import type { RolloutEvent } from '../notify/event.js';
import { guardText } from '../guard/text.js';
import { knownSecretValues } from '../guard/secrets-known.js';
import type { Io } from '../ui/io.js';

/**
 * Tells the manifest's notification sinks about an event, after the change is committed. A
 * delivery that fails is reported on standard error (and returned for the command's JSON
 * output); it never fails the command, undoes the change or goes into the trail. Nothing is sent
 * when the manifest has no `notify` section, so commands without one pay nothing.
 */
export async function notifySinks(
  manifest: Manifest,
  event: Omit<RolloutEvent, 'summary' | 'reason'> & { summary: string; reason?: string | null },
  io: Io,
): Promise<Delivery[]> {
  if (!manifest.notify) return [];
  const secrets = knownSecretValues([manifest], io.env, []);
  const { reason, ...rest } = event;
  const safe: RolloutEvent = {
    ...rest,
    actor: guardText(event.actor, secrets),
    summary: guardText(event.summary, secrets),
    ...(reason ? { reason: guardText(reason, secrets) } : {}),
  };
  const deliveries = await deliverEvent(manifest, safe, io.env);
  for (const delivery of deliveries.filter((d) => !d.ok)) io.err(`warning: ${deliveryProblemLine(delivery)}\n`);
  return deliveries;
}
