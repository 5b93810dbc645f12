// Pure logic of the listener app (apps/listener/src/lib), run by the root vitest.
import { describe, expect, it } from 'vitest';
import { answerDialog } from '../apps/listener/src/lib/dialog-actions.ts';
import { createDialogQueue } from '../apps/listener/src/lib/dialog-queue.ts';
import { gpsFixToVariables } from '../apps/listener/src/lib/gps-variables.ts';
import type { DialogButton, DialogCheckbox } from '../apps/listener/src/graphql/types.ts';

describe('dialog queue', () => {
  it('shows dialogs one at a time in arrival order', () => {
    const queue = createDialogQueue<string>();
    expect(queue.current).toBeUndefined();
    queue.push('first');
    queue.push('second');
    queue.push('third');
    expect(queue.current).toBe('first');
    expect(queue.size).toBe(3);
    expect(queue.next()).toBe('second');
    expect(queue.next()).toBe('third');
    expect(queue.next()).toBeUndefined();
    expect(queue.size).toBe(0);
    queue.push('again');
    queue.clear();
    expect(queue.current).toBeUndefined();
  });
});

describe('gpsFixToVariables', () => {
  it('sends every finite reading as a numeric variable streamed to SuperCollider', () => {
    const variables = gpsFixToVariables('s1', {
      longitude: 13.4,
      latitude: 52.5,
      accuracy: 12,
      speed: 0,
      heading: Number.NaN,
      altitude: null,
    });
    expect(variables).toEqual([
      { streamUuid: 's1', key: 'longitude', value: '13.4', streamToSc: true },
      { streamUuid: 's1', key: 'latitude', value: '52.5', streamToSc: true },
      { streamUuid: 's1', key: 'speed', value: '0', streamToSc: true },
      { streamUuid: 's1', key: 'accuracy', value: '12', streamToSc: true },
    ]);
    for (const variable of variables) expect(Number.isFinite(Number(variable.value))).toBe(true);
  });
});

describe('answerDialog', () => {
  const ok: DialogButton = {
    text: 'OK',
    value: 'ok',
    key: 'button',
    buttonType: 'PRIMARY',
    callbackActions: ['SEND_VARIABLE', 'SEND_VARIABLES'],
  };
  const cancel: DialogButton = {
    ...ok,
    text: 'Cancel',
    value: 'cancel',
    callbackActions: ['SEND_VARIABLE'],
  };

  it('OK sends its own value and every form field', () => {
    const answer = answerDialog(
      's1',
      { kind: 'button', button: ok },
      { name: 'Ada', mood: 'happy' },
    );
    expect(answer.activateGps).toBe(false);
    expect(answer.variables).toEqual([
      { streamUuid: 's1', key: 'button', value: 'ok', streamToSc: false },
      { streamUuid: 's1', key: 'name', value: 'Ada', streamToSc: false },
      { streamUuid: 's1', key: 'mood', value: 'happy', streamToSc: false },
    ]);
  });

  it('Cancel sends only its own value', () => {
    const answer = answerDialog('s1', { kind: 'button', button: cancel }, { name: 'Ada' });
    expect(answer.variables).toEqual([
      { streamUuid: 's1', key: 'button', value: 'cancel', streamToSc: false },
    ]);
  });

  it('a checkbox sends the state the listener chose, not the server default', () => {
    const checkbox: DialogCheckbox = {
      __typename: 'Checkbox',
      key: 'consent',
      label: 'OK?',
      checked: false,
      callbackActions: ['SEND_VARIABLE'],
    };
    const on = answerDialog('s1', { kind: 'checkbox', checkbox, checked: true }, {});
    expect(on.variables).toEqual([
      { streamUuid: 's1', key: 'consent', value: 'true', streamToSc: false },
    ]);
    const off = answerDialog(
      's1',
      { kind: 'checkbox', checkbox: { ...checkbox, checked: true }, checked: false },
      {},
    );
    expect(off.variables[0]?.value).toBe('false');
  });

  it('the GPS checkbox raises the GPS flag and sends nothing else', () => {
    const gps: DialogCheckbox = {
      __typename: 'Checkbox',
      key: 'gps',
      label: 'Is it OK to access your GPS?',
      checked: false,
      callbackActions: ['ACTIVATE_GPS_STREAMING'],
    };
    const answer = answerDialog(
      's1',
      { kind: 'checkbox', checkbox: gps, checked: true },
      { gps: 'true' },
    );
    expect(answer).toEqual({ variables: [], activateGps: true });
  });
});
