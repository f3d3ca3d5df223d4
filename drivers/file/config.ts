import { z } from 'zod';

export const fileConfigSchema = z
  .strictObject({
    kind: z.literal('file'),
    path: z
      .string()
      .min(1)
      .describe('A folder (one file per job) or, with mode "append" / a single captured job, a file. Required.'),
    mode: z
      .enum(['folder', 'append'])
      .default('folder')
      .describe('Printer side: "folder" writes one file per job into path; "append" appends every job to the file path. Default folder.'),
    extension: z
      .string()
      .regex(/^\.[\w.-]+$/, 'must start with a dot, e.g. ".bin"')
      .default('.bin')
      .describe('Job files carry this extension (written by the printer side, picked up by the till side). Default .bin.'),
    watch: z
      .boolean()
      .default(false)
      .describe('Till side: keep watching the folder for new job files (a spool folder) instead of reading it once. Default false.'),
    pollMs: z
      .number()
      .int()
      .min(10)
      .default(500)
      .describe('Till side, watch: how often the folder is scanned; a new file is taken once its size held still for one scan. Default 500.'),
    afterRead: z
      .enum(['keep', 'delete'])
      .default('keep')
      .describe('Till side: what happens to a job file once it has been read completely. Default keep.'),
  })
  .describe('Files: the printer side writes jobs to files, the till side replays captured job files.');

export type FileConfig = z.output<typeof fileConfigSchema>;
