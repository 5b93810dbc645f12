import {
  cellTypes,
  doorTypes,
  graphDetailTemplates,
  playbackChoices,
  streamAssignmentPolicies,
} from '@gencaster/domain';
import { z } from 'zod';

// Field schemas of the original Django models as `dumpdata` writes them:
// snake_case names, foreign keys as the referenced primary key, enums as their DB values. Defaults
// are the model defaults, so dumps from before a field existed still convert.

const pk = z.union([z.string().min(1), z.number()]).transform(String);
const fk = pk.nullable().default(null);

/** One entry of a `dumpdata` JSON list. */
export const dumpEntrySchema = z.object({
  model: z.string().min(1),
  pk,
  fields: z.record(z.string(), z.unknown()).default({}),
});
/** A parsed `dumpdata` entry. */
export type DumpEntry = z.infer<typeof dumpEntrySchema>;

/** `story_graph.graph` */
export const dumpGraphFields = z.object({
  name: z.string().min(1),
  display_name: z.string().nullish(),
  slug_name: z.string().nullish(),
  stream_assignment_policy: z.enum(streamAssignmentPolicies).default('one_user_one_stream'),
  public_visible: z.boolean().default(true),
  template_name: z.enum(graphDetailTemplates).catch('default'),
  start_text: z.string().nullish(),
  about_text: z.string().nullish(),
  end_text: z.string().nullish(),
});

/** `story_graph.node` */
export const dumpNodeFields = z.object({
  graph: pk,
  name: z.string().default(''),
  color: z.string().default('#fff'),
  position_x: z.number().finite().default(0),
  position_y: z.number().finite().default(0),
  is_entry_node: z.boolean().default(false),
  is_blocking_node: z.boolean().default(false),
});

/** `story_graph.nodedoor` */
export const dumpDoorFields = z.object({
  node: pk,
  door_type: z.enum(doorTypes).default('output'),
  name: z.string().default('default'),
  order: z.number().int().default(0),
  is_default: z.boolean().default(false),
  code: z.string().nullish(),
});

/** `story_graph.edge`: doors are nullable for legacy rows. */
export const dumpEdgeFields = z.object({ in_node_door: fk, out_node_door: fk });

/** `story_graph.audiocell` */
export const dumpAudioCellFields = z.object({
  audio_file: pk,
  playback: z.enum(playbackChoices).default('sync_playback'),
  volume: z.number().finite().default(0.2),
});

/** `story_graph.scriptcell` */
export const dumpScriptCellFields = z.object({
  node: pk,
  cell_type: z.enum(cellTypes).default('comment'),
  cell_code: z.string().default(''),
  cell_order: z.number().int().default(0),
  audio_cell: fk,
});

/** `stream.audiofile`: `file` is relative to the original MEDIA_ROOT (`audio_files/<uuid>`). */
export const dumpAudioFileFields = z.object({
  name: z.string().min(1).default('untitled'),
  auto_generated: z.boolean().default(true),
  file: z.string().nullish(),
  description: z.string().nullish(),
});
