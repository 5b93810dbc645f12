import type { PubSub } from './pubsub.ts';
import { createInProcessAckBus, type AckBus, type InstructionAck } from '@gencaster/osc';

/** The pub/sub topic on which backends share the acks their OSC servers received. */
export const INSTRUCTION_ACK_TOPIC = 'instruction-ack';

/**
 * An {@link AckBus} shared by every backend on the same pub/sub (Redis in a cluster): a stream
 * point acknowledges to the backend it beacons to, while the engine waiting for that ack may run on
 * another backend. Acks are delivered locally at once and also published; the copy that comes back
 * through the pub/sub is harmless, because a waiter settles only once. When the pub/sub is down the
 * instruction sender still finds the ack by reading the database (`ledgerPollMs`).
 */
export function createPubSubAckBus(pubsub: PubSub): AckBus & { close(): Promise<void> } {
  const local = createInProcessAckBus();
  const remote = pubsub.subscribe<InstructionAck>(INSTRUCTION_ACK_TOPIC);
  const pump = (async () => {
    for await (const ack of remote) await local.publish(ack);
  })();
  return {
    async publish(ack) {
      await local.publish(ack);
      await pubsub.publish(INSTRUCTION_ACK_TOPIC, ack).catch(() => undefined);
    },
    subscribe: (listener) => local.subscribe(listener),
    async close() {
      await remote.return?.();
      await pump.catch(() => undefined);
    },
  };
}
