// The live-coding runner lives in @gencaster/api (tested in its security regression suite).
export { createRemoteActionRunner } from '@gencaster/api';
