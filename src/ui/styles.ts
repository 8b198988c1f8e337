/**
 * The widget's stylesheet, scoped to its shadow root. Theming goes through the
 * `--inkeep-chat-*` custom properties (they inherit through the shadow boundary) and `::part()`.
 * On phones the composer's text is never under 16 px: iOS zooms the page into smaller fields.
 */
export const styles = `
:host{all:initial;display:contents;
--ic-accent:var(--inkeep-chat-accent,#4f46e5);--ic-on-accent:var(--inkeep-chat-on-accent,#fff);
--ic-bg:var(--inkeep-chat-background,#fff);--ic-fg:var(--inkeep-chat-foreground,#1f2328);
--ic-muted:var(--inkeep-chat-muted,#59636e);--ic-surface:var(--inkeep-chat-surface,#f3f4f6);
--ic-border:var(--inkeep-chat-border,#d1d9e0);--ic-danger:var(--inkeep-chat-danger,#b42318);
--ic-radius:var(--inkeep-chat-radius,14px);--ic-font:var(--inkeep-chat-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);
--ic-size:var(--inkeep-chat-font-size,15px);--ic-width:var(--inkeep-chat-width,400px);
--ic-height:var(--inkeep-chat-height,min(640px,calc(100vh - 120px)));--ic-z:var(--inkeep-chat-z-index,2147483000)}
:host([hidden]){display:none}
.root{font-family:var(--ic-font);font-size:var(--ic-size);line-height:1.5;color:var(--ic-fg);-webkit-text-size-adjust:100%}
.root.dark{--ic-accent:var(--inkeep-chat-accent,#818cf8);--ic-on-accent:var(--inkeep-chat-on-accent,#111827);
--ic-bg:var(--inkeep-chat-background,#17191c);--ic-fg:var(--inkeep-chat-foreground,#e6edf3);
--ic-muted:var(--inkeep-chat-muted,#9198a1);--ic-surface:var(--inkeep-chat-surface,#262a30);
--ic-border:var(--inkeep-chat-border,#3d444d);--ic-danger:var(--inkeep-chat-danger,#ff8e80)}
*,*::before,*::after{box-sizing:border-box}
button{font:inherit;color:inherit;cursor:pointer}
:focus-visible{outline:2px solid var(--ic-accent);outline-offset:2px}
.launcher{position:fixed;left:calc(var(--ic-viewport-right,100%) - 76px);top:calc(var(--ic-viewport-bottom,100%) - 76px);z-index:var(--ic-z);width:56px;height:56px;border-radius:50%;border:0;
background:var(--ic-accent);color:var(--ic-on-accent);display:grid;place-items:center;box-shadow:0 6px 20px rgb(0 0 0/.25);transition:transform .15s}
.launcher:hover{transform:scale(1.06)}
.left .launcher{left:calc(var(--ic-viewport-left,0px) + 20px)}.top .launcher{top:calc(var(--ic-viewport-top,0px) + 20px)}
.launcher svg,.icon svg,.send svg{width:24px;height:24px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.icon svg,.send svg{width:18px;height:18px}
.panel{background:var(--ic-bg);color:var(--ic-fg);display:flex;flex-direction:column;overflow:hidden;border:1px solid var(--ic-border)}
.floating .panel{position:fixed;z-index:var(--ic-z);bottom:88px;right:20px;width:var(--ic-width);height:var(--ic-height);
border-radius:var(--ic-radius);box-shadow:0 12px 40px rgb(0 0 0/.25)}
.floating.left .panel{right:auto;left:20px}.floating.top .panel{bottom:auto;top:88px}
.inline .panel{width:100%;height:var(--inkeep-chat-inline-height,560px);border-radius:var(--ic-radius)}
@media (max-width:639.98px){.floating .panel{inset:var(--ic-viewport-top,0) auto auto var(--ic-viewport-left,0);width:var(--ic-viewport-width,100%);height:var(--ic-viewport-height,100dvh);border-radius:0;border:0}
.floating.open .launcher{display:none}}
.header{display:flex;align-items:center;gap:4px;padding-block:10px;padding-inline:16px 10px;border-bottom:1px solid var(--ic-border)}
h2{flex:1;margin:0;font-size:1.05em;font-weight:600}
.icon{border:0;background:none;border-radius:8px;width:34px;height:34px;display:grid;place-items:center;color:var(--ic-muted)}
.icon:hover{background:var(--ic-surface);color:var(--ic-fg)}
.log{flex:1;overflow-y:auto;padding:16px;overscroll-behavior:contain}.log>*+*{margin-top:14px}
.empty{margin:auto;color:var(--ic-muted);text-align:center}
.earlier{display:block;margin:0 auto}
.message{max-width:100%;overflow-wrap:break-word;min-width:0}
.user{width:fit-content;margin-inline-start:auto;max-width:85%;background:var(--ic-accent);color:var(--ic-on-accent);padding:8px 12px;border-radius:16px;border-end-end-radius:4px;white-space:pre-wrap}

.actions{display:flex;flex-wrap:wrap;gap:2px;margin-top:4px}.negative svg{transform:scale(1,-1)}.icon[aria-pressed=true]{color:var(--ic-accent)}.feedback{flex-basis:100%;padding:4px 0;border:0;align-items:center}.feedback button{white-space:nowrap}.feedback input{flex:1;font:inherit;border:1px solid var(--ic-border);border-radius:8px;padding:4px 8px;background:var(--ic-bg);color:inherit}.actions .icon{width:30px;height:30px}
.jump{position:relative;align-self:center;margin:-44px auto 8px;display:flex;gap:4px;align-items:center;border:1px solid var(--ic-border);background:var(--ic-bg);border-radius:999px;padding:4px 12px;box-shadow:0 2px 8px rgb(0 0 0/.15)}
.jump svg{width:16px;height:16px;fill:none;stroke:currentColor;stroke-width:2}
.conversations{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:4px}
.conversations li{display:flex;align-items:center;gap:4px}
.conversation{flex:1;text-align:start;border:1px solid var(--ic-border);background:none;border-radius:10px;padding:8px 12px;display:flex;flex-direction:column;min-width:0}
.conversation:hover{background:var(--ic-surface)}
.conversation-title{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:100%}
.note{color:var(--ic-muted);font-size:.9em;margin-top:4px}
.alert{margin:0 16px 8px;padding:8px 12px;border-radius:10px;border:1px solid var(--ic-danger);color:var(--ic-danger);display:flex;gap:8px;align-items:center;justify-content:space-between}
.alert button,.text-button{border:1px solid currentColor;background:none;border-radius:8px;padding:2px 10px}
.status{margin:0 16px 8px;color:var(--ic-muted)}
form{display:flex;gap:8px;align-items:flex-end;padding:10px 12px 12px;border-top:1px solid var(--ic-border)}
textarea{flex:1;resize:none;font:inherit;color:inherit;background:var(--ic-surface);border:1px solid var(--ic-border);border-radius:12px;padding:8px 12px;max-height:160px;min-height:40px}
textarea::placeholder{color:var(--ic-muted)}
@media (max-width:639.98px){textarea,input{font-size:16px;font-size:max(16px,1em)}}
.send{border:0;border-radius:12px;background:var(--ic-accent);color:var(--ic-on-accent);height:40px;min-width:40px;padding:0 14px;font-weight:600}
.send:disabled{opacity:.5;cursor:default}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.md>:first-child{margin-top:0}.md>:last-child,.md-part>:last-child{margin-bottom:0}
.md-part,.md-more{content-visibility:auto;contain-intrinsic-size:auto 20em}.md .md-more{margin-top:-.7em}
.md p,.md ul,.md ol,.md blockquote,.md pre,.md table{margin:0 0 .7em}
.md h1,.md h2,.md h3,.md h4,.md h5,.md h6{margin:.9em 0 .4em;font-size:1.1em;line-height:1.3}
.md h1{font-size:1.3em}.md h2{font-size:1.2em}
.md a{color:var(--ic-accent)}
.md ul,.md ol{padding-inline-start:1.4em}
.md blockquote{border-inline-start:3px solid var(--ic-border);padding-inline-start:10px;color:var(--ic-muted)}
.md code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:var(--ic-surface);border-radius:4px;padding:1px 4px}
.md pre{position:relative;background:var(--ic-surface);border-radius:10px;padding:28px 12px 10px;overflow-x:auto}
.md pre code{background:none;padding:0}
.md-code-lang{position:absolute;top:6px;inset-inline-start:12px;font-size:.75em;color:var(--ic-muted)}
.md-copy{position:absolute;top:4px;inset-inline-end:6px;font-size:.75em;border:1px solid var(--ic-border);background:var(--ic-bg);border-radius:6px;padding:0 8px}
.md-table-wrap{overflow-x:auto}
.md table{border-collapse:collapse;width:max-content;max-width:100%}
.md th,.md td{border:1px solid var(--ic-border);padding:4px 8px;text-align:start}
.md .md-align-center{text-align:center}.md .md-align-right{text-align:right}
.md hr{border:0;border-top:1px solid var(--ic-border);margin:1em 0}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important;scroll-behavior:auto!important}}
`;
