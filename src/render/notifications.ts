import type { Delivery } from '../notify/deliver.js';

/**
 * The notification sinks a command told (manifest `notify`), as its JSON output carries them:
 * the field only when there were any, as the state commands write it.
 */
export function notificationsField(notifications: readonly Delivery[] | undefined): { notifications?: Delivery[] } {
  return notifications && notifications.length > 0 ? { notifications: [...notifications] } : {};
}
