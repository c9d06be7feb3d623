// The parse tree of a Go text/template, as text/template/parse builds it.

import { GoValue } from './value';

export interface Pos {
  /** Template (file) name, e.g. `podinfo/templates/deployment.yaml`. */
  name: string;
  line: number;
  col: number;
}

export type Node =
  | { kind: 'text'; text: string; pos: Pos }
  | { kind: 'action'; pipe: Pipe; pos: Pos }
  | { kind: 'if' | 'with'; pipe: Pipe; list: Node[]; elseList?: Node[]; pos: Pos }
  | { kind: 'range'; pipe: Pipe; list: Node[]; elseList?: Node[]; pos: Pos }
  | { kind: 'template'; name: string; pipe?: Pipe; pos: Pos }
  | { kind: 'break' | 'continue'; pos: Pos };

export interface Pipe {
  decl: string[];
  isAssign: boolean;
  cmds: Command[];
  pos: Pos;
  /** Source text of the pipeline, for error messages (`at <.Values.x>`). */
  text: string;
}

export interface Command {
  args: Arg[];
  pos: Pos;
  text: string;
}

export type Arg =
  | { kind: 'field'; idents: string[]; text: string }
  | { kind: 'variable'; name: string; idents: string[]; text: string }
  | { kind: 'chain'; node: Arg; idents: string[]; text: string }
  | { kind: 'identifier'; name: string; text: string }
  | { kind: 'dot'; text: string }
  | { kind: 'nil'; text: string }
  | { kind: 'bool'; value: boolean; text: string }
  | { kind: 'number'; value: GoValue; text: string }
  | { kind: 'string'; value: string; text: string }
  | { kind: 'pipe'; pipe: Pipe; text: string };

export interface Tree {
  name: string;
  root: Node[];
}
