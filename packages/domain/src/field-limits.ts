/**
 * Column lengths and defaults of the original models, so their data fits. The database migrations and
 * the zod schemas both use these numbers, so a value that passes validation always fits its column.
 */
export const fieldLimits = {
  graphName: 255,
  graphDisplayName: 512,
  graphSlugName: 256,
  nodeName: 255,
  nodeColor: 16,
  doorName: 512,
  streamPointHost: 255,
  janusPublicIp: 128,
  janusHttpUrl: 255,
  scName: 128,
  streamVariableKey: 512,
  audioFileName: 1024,
  audioFilePath: 1024,
  ttsText: 5000,
  voiceName: 64,
  ttsProvider: 64,
  username: 150,
  email: 254,
  personName: 150,
  listenerId: 255,
  logName: 255,
} as const;

/** Defaults of the original models. */
export const fieldDefaults = {
  nodeColor: '#fff',
  audioFileName: 'untitled',
  audioCellVolume: 0.2,
  voiceName: 'de-DE-Neural2-C',
  logLevel: 20,
  ttsText: '<speak>Hallo Welt</speak>',
} as const;
