import type { InjectionKey } from 'vue';

/** Provided by the graph view: starts a play session at a node ("play from here" on its card). */
export const playFromNodeKey: InjectionKey<(nodeUuid: string) => void> = Symbol('playFromNode');
