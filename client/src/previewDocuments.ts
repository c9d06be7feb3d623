/**
 * Read-only virtual documents `flux-overlays:` whose text the language server renders.
 *
 * URI layout: flux-overlays://<kind>/<component>/<overlay>[.<release>].<kind>.yaml?<JSON params>
 *   kind: "values" (effectiveValues) or "manifests" (renderOverlay).
 * The query carries the request's params, so a URI alone reproduces its document.
 * Hover on a line shows its origin; Go to Definition jumps there.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import {
  EffectiveValuesParams,
  LineOrigin,
  RenderedDocument,
  RenderOverlayParams,
  effectiveValuesRequest,
  renderOverlayRequest,
} from './protocol';
import { InputProblem } from './output';
import { Requests } from './requests';

export const SCHEME = 'flux-overlays';

export type PreviewKind = 'values' | 'manifests';

export function previewUri(kind: 'values', params: EffectiveValuesParams): vscode.Uri;
export function previewUri(kind: 'manifests', params: RenderOverlayParams): vscode.Uri;
export function previewUri(
  kind: PreviewKind,
  params: EffectiveValuesParams | RenderOverlayParams,
): vscode.Uri {
  const component = path.posix.basename(vscode.Uri.parse(params.uri).path) || 'component';
  const release = 'release' in params && params.release ? `.${params.release}` : '';
  const side =
    params.source?.kind === 'promotion' ? `.${params.source.side}-${params.source.to}` : '';
  return vscode.Uri.from({
    scheme: SCHEME,
    authority: kind,
    path: `/${component}/${params.overlay}${release}${side}.${kind}.yaml`,
    query: JSON.stringify(params),
  });
}

function tabUris(input: unknown): vscode.Uri[] {
  return input instanceof vscode.TabInputText
    ? [input.uri]
    : input instanceof vscode.TabInputTextDiff
      ? [input.original, input.modified]
      : [];
}

export class PreviewDocuments
  implements vscode.TextDocumentContentProvider, vscode.HoverProvider, vscode.DefinitionProvider
{
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly origins = new Map<string, LineOrigin[]>();
  /** The last error reported per preview, so a refresh repeats no message. */
  private readonly reported = new Map<string, string>();

  constructor(
    private readonly requests: Requests,
    /** Called with a preview's errors (a message with "Show details"). */
    private readonly onError: (what: string, err: Error) => void = () => undefined,
  ) {}

  register(): vscode.Disposable {
    const selector: vscode.DocumentSelector = { scheme: SCHEME };
    return vscode.Disposable.from(
      this.changed,
      vscode.workspace.registerTextDocumentContentProvider(SCHEME, this),
      vscode.languages.registerHoverProvider(selector, this),
      vscode.languages.registerDefinitionProvider(selector, this),
      this.sideProblems,
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.sideProblems.delete(d.uri);
        this.origins.delete(d.uri.toString());
        this.reported.delete(d.uri.toString());
        this.stale.delete(d.uri.toString());
      }),
      // A preview whose tab the user closed is not rendered on edits; shown again, it renders.
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        const shown = new Set(this.shownPreviews().map((u) => u.toString()));
        for (const tab of e.closed) {
          for (const u of tabUris(tab.input))
            if (u.scheme === SCHEME && !shown.has(u.toString()))
              this.closedByUser.add(u.toString());
        }
        for (const uri of this.shownPreviews()) {
          const key = uri.toString();
          this.closedByUser.delete(key);
          if (this.stale.delete(key)) this.changed.fire(uri);
        }
      }),
    );
  }

  /** Preview documents whose tab was closed and that missed a refresh since. */
  private readonly stale = new Set<string>();
  /** Previews whose tab the user closed (the document may stay loaded for a while). */
  private readonly closedByUser = new Set<string>();

  /** How many times each preview was rendered (tests check closed ones are not). */
  readonly renders = new Map<string, number>();

  /**
   * Re-renders the open previews (the server said a contributing file changed). A preview whose
   * tab the user closed stays in workspace.textDocuments for a while: it is not rendered.
   */
  refreshAll(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== SCHEME) continue;
      if (this.closedByUser.has(doc.uri.toString())) this.stale.add(doc.uri.toString());
      else this.changed.fire(doc.uri);
    }
  }

  /** Preview URIs open in a tab, a diff editor's two sides included. */
  shownPreviews(): vscode.Uri[] {
    const out = new Map<string, vscode.Uri>();
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        for (const u of tabUris(tab.input)) {
          if (u.scheme === SCHEME) out.set(u.toString(), u);
        }
      }
    }
    return [...out.values()];
  }

  async provideTextDocumentContent(
    uri: vscode.Uri,
    token: vscode.CancellationToken,
  ): Promise<string> {
    // A re-render after an edit updates the preview's header; only the first render (the user
    // asked for it) raises a message, so a broken file does not notify on every keystroke.
    const refresh = this.origins.has(uri.toString());
    this.renders.set(uri.toString(), (this.renders.get(uri.toString()) ?? 0) + 1);
    let result: RenderedDocument;
    let header: string[];
    try {
      result = await this.fetch(uri, token);
      header = (await this.headerProblems(uri, result, token)).map(
        (p) => `# ${p.severity}: ${p.message.split('\n').join(' ')}`,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.report(uri, message, refresh);
      this.origins.set(uri.toString(), []);
      return `# Flux Overlays could not render this document:\n# ${message.split('\n').join('\n# ')}\n`;
    }
    // Problems go first, as comment lines; origins refer to lines of `content`, so shift them.
    this.origins.set(
      uri.toString(),
      header.length === 0
        ? result.origins
        : result.origins.map((o) => ({ ...o, line: o.line + header.length })),
    );
    const errors = result.problems.filter((p) => p.severity === 'error');
    this.report(
      uri,
      errors
        .map((p) =>
          p.location
            ? `${p.message} (${p.location.uri}:${p.location.range.start.line + 1})`
            : p.message,
        )
        .join('; '),
      refresh,
    );
    return header.length > 0 ? `${header.join('\n')}\n${result.content}` : result.content;
  }

  private fetch(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<RenderedDocument> {
    const params: unknown = JSON.parse(uri.query);
    return uri.authority === 'manifests'
      ? this.requests.send(renderOverlayRequest, params as RenderOverlayParams, token)
      : this.requests.send(effectiveValuesRequest, params as EffectiveValuesParams, token);
  }

  /**
   * The two sides of a comparison (Compare Overlays, a promotion diff): each side's header holds
   * only the problems both sides have, so the headers are identical and the first hunk is a real
   * change; what one side alone has goes to that side's diagnostics (squiggle on the first line,
   * the Problems panel), a separate area.
   */
  pair(left: vscode.Uri, right: vscode.Uri): void {
    this.partners.set(left.toString(), right);
    this.partners.set(right.toString(), left);
  }

  private readonly partners = new Map<string, vscode.Uri>();
  /** Problems of a comparison side that the other side does not have. */
  readonly sideProblems = vscode.languages.createDiagnosticCollection('flux-overlays-comparison');

  private async headerProblems(
    uri: vscode.Uri,
    result: RenderedDocument,
    token?: vscode.CancellationToken,
  ): Promise<RenderedDocument['problems']> {
    const partner = this.partners.get(uri.toString());
    if (!partner) return result.problems;
    const other = await this.fetch(partner, token).catch(() => undefined);
    const key = (p: RenderedDocument['problems'][number]) => `${p.severity}\0${p.message}`;
    const theirs = new Set((other?.problems ?? []).map(key));
    const common = result.problems.filter((p) => theirs.has(key(p)));
    const own = result.problems.filter((p) => !theirs.has(key(p)));
    const severity = {
      error: vscode.DiagnosticSeverity.Error,
      warning: vscode.DiagnosticSeverity.Warning,
      info: vscode.DiagnosticSeverity.Information,
    } as Record<string, vscode.DiagnosticSeverity>;
    this.sideProblems.set(
      uri,
      own.map((p) => {
        const d = new vscode.Diagnostic(
          new vscode.Range(0, 0, 0, 1),
          p.message,
          severity[p.severity] ?? vscode.DiagnosticSeverity.Information,
        );
        d.source = 'Flux Overlays (this side only)';
        return d;
      }),
    );
    return common;
  }

  private report(uri: vscode.Uri, message: string, refresh: boolean): void {
    const key = uri.toString();
    if (!message) {
      this.reported.delete(key);
      return;
    }
    if (this.reported.get(key) === message || refresh) {
      this.reported.set(key, message);
      return;
    }
    this.reported.set(key, message);
    this.onError(
      `${uri.authority === 'manifests' ? 'Rendered manifests' : 'Effective values'} of ${uri.path.slice(1)}`,
      new InputProblem(message),
    );
  }

  originAt(uri: vscode.Uri, line: number): LineOrigin | undefined {
    return this.origins.get(uri.toString())?.find((o) => o.line === line);
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const origin = this.originAt(doc.uri, pos.line);
    if (!origin) {
      return undefined;
    }
    const target = vscode.Uri.parse(origin.location.uri);
    const line = origin.location.range.start.line + 1;
    const link = target.with({ fragment: `L${line}` }).toString();
    const md = new vscode.MarkdownString(
      `**${origin.layer}**: [${vscode.workspace.asRelativePath(target)}:${line}](${link})`,
    );
    for (const o of origin.overridden ?? []) {
      const l = o.location.range.start.line + 1;
      md.appendMarkdown(
        `\n\noverrides \`${o.value}\` from ${o.layer} (${vscode.workspace.asRelativePath(vscode.Uri.parse(o.location.uri))}:${l})`,
      );
    }
    return new vscode.Hover(md);
  }

  provideDefinition(doc: vscode.TextDocument, pos: vscode.Position): vscode.Location | undefined {
    const origin = this.originAt(doc.uri, pos.line);
    if (!origin) {
      return undefined;
    }
    const r = origin.location.range;
    return new vscode.Location(
      vscode.Uri.parse(origin.location.uri),
      new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
    );
  }
}
