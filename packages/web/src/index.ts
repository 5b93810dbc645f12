// The web toolkit's entry point: safe to import anywhere (Node tests too). Modules that load a
// browser-only library when imported are their own entry points: `@gencaster/web/janus`
// (janus.js) and `@gencaster/web/place-map` (Leaflet).
export * from './graphql/graphql-client.ts';
export * from './graphql/request-error.ts';
export * from './graphql/socket-reconnect.ts';
export * from './sdp-stereo.ts';
export * from './receiver-latency.ts';
export * from './place-shape.ts';
export * from './position-throttle.ts';
export * from './web-config.ts';
export * from './audio-level.ts';
export * from './format.ts';
