// One call of every admin operation, aimed at real rows of an AdminWorld: the refusal tests send
// each as an editor and anonymously (and writes by cookie without the CSRF header) and check that
// nothing changed; the schema check makes a new admin field without a case fail.
import type { AdminWorld } from './admin-fixtures.ts';

/** One admin operation call. */
export interface AdminOperationCase {
  /** The schema field it calls. */
  field: string;
  kind: 'query' | 'mutation';
  document: string;
  variables: Record<string, unknown>;
}

/** Every admin operation of the schema, called on `world`'s rows. */
export function adminOperationCases(world: AdminWorld): AdminOperationCase[] {
  const page = { offset: 0, limit: 5 };
  const q = (field: string, document: string, variables: Record<string, unknown> = {}) =>
    ({ field, kind: 'query', document, variables }) as const;
  const m = (field: string, document: string, variables: Record<string, unknown> = {}) =>
    ({ field, kind: 'mutation', document, variables }) as const;
  return [
    q(
      'adminUsers',
      'query($p: AdminPageInput) { adminUsers(page: $p) { totalCount items { uuid username } } }',
      { p: page },
    ),
    q('adminUserSessions', 'query($u: UUID!) { adminUserSessions(userUuid: $u) { uuid kind } }', {
      u: world.target.uuid,
    }),
    q(
      'adminStreamPoints',
      'query($p: AdminPageInput) { adminStreamPoints(page: $p) { totalCount items { online janusHttpUrl point { uuid host } } } }',
      { p: page },
    ),
    q(
      'adminStreams',
      'query($p: AdminPageInput) { adminStreams(page: $p) { totalCount items { uuid active } } }',
      { p: page },
    ),
    q(
      'adminStreamVariables',
      'query($s: UUID!) { adminStreamVariables(streamUuid: $s) { uuid key value } }',
      { s: world.activeStreamUuid },
    ),
    q(
      'adminStreamInstructions',
      'query($s: UUID!) { adminStreamInstructions(streamUuid: $s) { totalCount items { instructionText returnValue } } }',
      { s: world.activeStreamUuid },
    ),
    q(
      'adminAudioFiles',
      'query($p: AdminPageInput) { adminAudioFiles(page: $p) { totalCount items { audioFile { uuid } usedBy { graphName } } } }',
      { p: page },
    ),
    q('adminTtsCache', '{ adminTtsCache { totalCount items { text voiceName } } }'),
    q(
      'adminLogs',
      'query($p: AdminPageInput) { adminLogs(page: $p) { totalCount items { message } } }',
      { p: page },
    ),
    m(
      'adminCreateUser',
      'mutation { adminCreateUser(username: "intruder", password: "long enough password", role: ADMIN) { uuid } }',
    ),
    m(
      'adminResetPassword',
      'mutation($u: UUID!) { adminResetPassword(userUuid: $u, password: "taken over password") }',
      { u: world.target.uuid },
    ),
    m(
      'adminUpdateUser',
      'mutation($u: UUID!) { adminUpdateUser(userUuid: $u, role: ADMIN) { role } }',
      { u: world.target.uuid },
    ),
    m(
      'adminSetUserActive',
      'mutation($n: String!) { adminSetUserActive(username: $n, active: false) { isActive } }',
      { n: world.target.username },
    ),
    m('adminDeleteUser', 'mutation($u: UUID!) { adminDeleteUser(userUuid: $u) }', {
      u: world.target.uuid,
    }),
    m('adminRevokeSession', 'mutation($s: UUID!) { adminRevokeSession(sessionUuid: $s) }', {
      s: world.targetSessionUuid,
    }),
    m('adminDeleteStreamPoint', 'mutation($p: UUID!) { adminDeleteStreamPoint(uuid: $p) }', {
      p: world.stalePointUuid,
    }),
    m('adminDeleteStreamVariable', 'mutation($v: UUID!) { adminDeleteStreamVariable(uuid: $v) }', {
      v: world.variableUuid,
    }),
    m('adminEndStream', 'mutation($s: UUID!) { adminEndStream(streamUuid: $s) { active } }', {
      s: world.activeStreamUuid,
    }),
    m('adminDeleteAudioFile', 'mutation($a: UUID!) { adminDeleteAudioFile(uuid: $a) }', {
      a: world.freeAudioUuid,
    }),
    m('adminPurgeTtsEntry', 'mutation($t: UUID!) { adminPurgeTtsEntry(uuid: $t) }', {
      t: world.ttsUuid,
    }),
    m('adminPurgeTtsCache', 'mutation { adminPurgeTtsCache }'),
  ];
}
