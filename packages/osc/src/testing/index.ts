// Test helpers of @gencaster/osc: in-memory ports and a real stream point process for tests.
export {
  createMemoryPorts,
  waitUntil,
  type MemoryInstruction,
  type MemoryStreamPoint,
} from './memory-ports.ts';
export {
  freeUdpPort,
  startTestStreamPoint,
  streamPointUnavailableReason,
  type TestStreamPoint,
  type TestStreamPointOptions,
} from './stream-point-process.ts';
export { sclangUnavailableReason, startBareSclang } from './bare-sclang.ts';
