import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { markdown } from '@codemirror/lang-markdown';
import { python } from '@codemirror/lang-python';
import {
  bracketMatching,
  defaultHighlightStyle,
  indentUnit,
  syntaxHighlighting,
} from '@codemirror/language';
import { lintGutter } from '@codemirror/lint';
import { EditorState, type Extension } from '@codemirror/state';
import {
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
  placeholder,
} from '@codemirror/view';
import { markdownTokenCompletions } from './markdown-tokens.ts';
import { scriptCompletions } from './script-api.ts';
import { superCollider } from './supercollider-language.ts';

/** Languages of the cell editors. */
export type CodeLanguage = 'javascript' | 'python' | 'supercollider' | 'markdown';

function languageSupport(language: CodeLanguage): Extension {
  switch (language) {
    case 'javascript':
      return [javascript(), autocompletion({ override: [scriptCompletions('javascript')] })];
    case 'python':
      return [python(), autocompletion({ override: [scriptCompletions('python')] })];
    case 'supercollider':
      return superCollider;
    case 'markdown':
      return [markdown(), autocompletion({ override: [markdownTokenCompletions()] })];
  }
}

/**
 * The CodeMirror setup of a cell: line numbers, history, two-space Tab indentation, syntax
 * highlighting, the language's completions and a lint gutter for validation errors. No automatic
 * bracket closing, so typed text arrives exactly as typed.
 */
export function codeExtensions(language: CodeLanguage, placeholderText: string): Extension[] {
  return [
    lineNumbers(),
    highlightActiveLine(),
    history(),
    bracketMatching(),
    indentUnit.of('  '),
    EditorState.tabSize.of(2),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
    lintGutter(),
    placeholder(placeholderText),
    EditorView.lineWrapping,
    languageSupport(language),
  ];
}
