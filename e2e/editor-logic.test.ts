// Pure logic of the editor (no browser): slugs, the unsaved-edit draft with conflict detection,
// error locations from the API, markdown tokens, and the parser-based syntax check of cells.
import { describe, expect, it } from 'vitest';
import { EditorState } from '@codemirror/state';
import { python } from '@codemirror/lang-python';
import { javascript } from '@codemirror/lang-javascript';
import { slugify } from '@gencaster/domain';
import { slugProblem } from '../apps/editor/src/lib/slug-problem.ts';
import {
  acceptTheirsAsBase,
  changesOf,
  isDirty,
  reconcile,
  recordEdit,
  takeTheirs,
  withEdits,
  type Draft,
} from '../apps/editor/src/lib/draft.ts';
import { locateError, locationFromDetails } from '../apps/editor/src/lib/error-location.ts';
import {
  findMarkdownTokens,
  firstTokenProblem,
  markTokens,
} from '../apps/editor/src/lib/markdown-tokens.ts';
import { syntaxProblem } from '../apps/editor/src/lib/syntax-problem.ts';

describe('editor slugify', () => {
  it('has no leading or trailing dashes (the original left them)', () => {
    expect(slugify('  --My Great_Story!-- ')).toBe('my-great-story');
  });
  it('drops accents and collapses separators', () => {
    expect(slugify('Über  Schöne   Öfen')).toBe('uber-schone-ofen');
    expect(slugify('a___b---c   d')).toBe('a-b-c-d');
  });
  it('returns empty for names without letters or digits, which the form rejects', () => {
    expect(slugify('!!!')).toBe('');
    expect(slugProblem('')).toMatch(/empty/);
    expect(slugProblem('Bad Slug')).toMatch(/lower-case/);
    expect(slugProblem('good-slug-2')).toBeUndefined();
  });
  it('cuts long names without leaving a dash at the end', () => {
    const slug = slugify('ab '.repeat(200), 10);
    expect(slug.length).toBeLessThanOrEqual(10);
    expect(slug.endsWith('-')).toBe(false);
  });
});

describe('editor draft (unsaved edits)', () => {
  it('records edits against the first base and forgets edits typed back to the base', () => {
    const draft: Draft = {};
    recordEdit(draft, 'c1', 'cellCode', 'a', '');
    recordEdit(draft, 'c1', 'cellCode', 'ab', 'ignored: base is kept');
    expect(draft.c1?.cellCode).toEqual({ base: '', mine: 'ab' });
    expect(withEdits(draft, 'c1', { cellCode: '', cellOrder: 2 })).toEqual({
      cellCode: 'ab',
      cellOrder: 2,
    });
    recordEdit(draft, 'c1', 'cellCode', '', '');
    expect(isDirty(draft)).toBe(false);
  });

  it('drops an edit when the server echoes our own save', () => {
    const draft: Draft = {};
    recordEdit(draft, 'c1', 'cellCode', 'mine', 'old');
    const result = reconcile(draft, { c1: { cellCode: 'mine' } });
    expect(result.conflicts).toEqual([]);
    expect(isDirty(draft)).toBe(false);
  });

  it('keeps unsaved edits when an unrelated field or record changes elsewhere', () => {
    const draft: Draft = {};
    recordEdit(draft, 'c1', 'cellCode', 'mine', 'old');
    const result = reconcile(draft, {
      c1: { cellCode: 'old', volume: 0.9 },
      c2: { cellCode: 'theirs' },
    });
    expect(result.conflicts).toEqual([]);
    expect(changesOf(draft, 'c1')).toEqual({ cellCode: 'mine' });
  });

  it('reports a conflict when another editor changed the same field, and never drops ours', () => {
    const draft: Draft = {};
    recordEdit(draft, 'c1', 'cellCode', 'mine', 'old');
    const { conflicts } = reconcile(draft, { c1: { cellCode: 'theirs' } });
    expect(conflicts).toEqual([
      { id: 'c1', field: 'cellCode', base: 'old', mine: 'mine', theirs: 'theirs' },
    ]);
    expect(changesOf(draft, 'c1')).toEqual({ cellCode: 'mine' });
    // Still a conflict on the next update until the user decides.
    expect(reconcile(draft, { c1: { cellCode: 'theirs' } }).conflicts).toHaveLength(1);
  });

  it('resolves a conflict either way', () => {
    const mine: Draft = {};
    recordEdit(mine, 'd1', 'code', 'x == 1', 'True');
    const { conflicts } = reconcile(mine, { d1: { code: 'x == 2' } });
    acceptTheirsAsBase(mine, conflicts);
    expect(reconcile(mine, { d1: { code: 'x == 2' } }).conflicts).toEqual([]);
    expect(changesOf(mine, 'd1')).toEqual({ code: 'x == 1' });

    const theirs: Draft = {};
    recordEdit(theirs, 'd1', 'code', 'x == 1', 'True');
    takeTheirs(theirs, reconcile(theirs, { d1: { code: 'x == 2' } }).conflicts);
    expect(isDirty(theirs)).toBe(false);
  });

  it('drops edits of records another editor deleted and says so', () => {
    const draft: Draft = {};
    recordEdit(draft, 'gone', 'cellCode', 'x', '');
    expect(reconcile(draft, {}).removed).toEqual(['gone']);
    expect(isDirty(draft)).toBe(false);
  });
});

describe('editor error locations', () => {
  it('prefers explicit line and column', () => {
    expect(locateError({ message: 'bad', line: 3, column: 7 })).toEqual({
      line: 3,
      column: 7,
      message: 'bad',
    });
  });
  it('reads the caret listing of InvalidPythonCode', () => {
    const listing = ['x = 1', 'if x ==', '       ^', 'y = 2'].join('\n');
    expect(locateError({ message: 'SyntaxError', listing })).toEqual({
      line: 2,
      column: 8,
      message: 'SyntaxError',
    });
  });
  it('reads "line N, column M" from text and structured details', () => {
    expect(locateError({ message: 'SyntaxError at line 4, column 2' })).toMatchObject({
      line: 4,
      column: 2,
    });
    expect(locationFromDetails('bad token', { location: { line: 5, column: 9 } })).toMatchObject({
      line: 5,
      column: 9,
    });
    expect(locationFromDetails('no location here', undefined)).toBeUndefined();
  });
});

describe('editor markdown tokens', () => {
  it('finds tokens with their positions and flags unknown ones', () => {
    const text = 'Hello {female}`there`\nand {bogus}`x` {var}`name|friend`';
    expect(
      findMarkdownTokens(text).map((token) => [token.name, token.line, token.column, token.known]),
    ).toEqual([
      ['female', 1, 7, true],
      ['bogus', 2, 5, false],
      ['var', 2, 16, true],
    ]);
    expect(firstTokenProblem(text)).toMatchObject({ line: 2, column: 5 });
    expect(firstTokenProblem('{break}`300ms`')).toBeUndefined();
    const breakProblem = firstTokenProblem('a\n  {break}`soon`');
    expect(breakProblem).toMatchObject({ line: 2, column: 3 });
    expect(breakProblem?.message).toMatch(/duration/);
  });
  it('escapes token values in the preview markup', () => {
    expect(markTokens('{male}`<b>x</b>`')).toContain('&#60;b&#62;x&#60;/b&#62;');
  });
});

describe('editor syntax check of cells', () => {
  const check = (doc: string, language: 'python' | 'javascript') =>
    syntaxProblem(
      EditorState.create({ doc, extensions: [language === 'python' ? python() : javascript()] }),
      2000,
    );

  it('points at the line of a Python syntax error', () => {
    expect(check('x = 1\nif x == :\n    pass\n', 'python')).toMatchObject({ line: 2 });
    expect(check('x = 1\nif x == 1:\n    pass\n', 'python')).toBeUndefined();
  });
  it('points at the line of a JavaScript syntax error', () => {
    expect(check('const a = 1;\nconst b = ;\n', 'javascript')).toMatchObject({ line: 2 });
    expect(check('const a = 1;\nvars.answer = String(a);\n', 'javascript')).toBeUndefined();
  });
});
