// Instruction states may only move along the legal transitions of the domain
// (`instructionTransitions` in @gencaster/domain), enforced by the database as well, so that a raw
// UPDATE or a second backend cannot move a FINISHED instruction back to RECEIVED.

/** Statements of migration 0002. */
export const instructionTransitionGuard: readonly string[] = [
  `CREATE FUNCTION gencaster_instruction_transition() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.state = OLD.state THEN
       RETURN NEW;
     END IF;
     IF (OLD.state = 'UNACKNOWLEDGED' AND NEW.state IN ('SENT', 'FAILURE'))
       OR (OLD.state = 'SENT' AND NEW.state IN ('RECEIVED', 'READY', 'SUCCESS', 'FINISHED', 'FAILURE'))
       OR (OLD.state = 'RECEIVED' AND NEW.state IN ('READY', 'SUCCESS', 'FINISHED', 'FAILURE'))
       OR (OLD.state = 'READY' AND NEW.state IN ('SUCCESS', 'FINISHED', 'FAILURE')) THEN
       RETURN NEW;
     END IF;
     RAISE EXCEPTION 'illegal instruction transition % -> %', OLD.state, NEW.state
       USING ERRCODE = 'check_violation', CONSTRAINT = 'stream_instruction_legal_transition';
   END $$`,
  `CREATE TRIGGER stream_instruction_transition BEFORE UPDATE OF state ON stream_instruction
   FOR EACH ROW EXECUTE FUNCTION gencaster_instruction_transition()`,
];
