import Mustache

/// The HTML report's Mustache templates (rendered by swift-mustache). Everything
/// the page needs is inline, so the file works offline and as a CI artifact:
/// styles, the filter and search script, no fonts, images or other requests.
///
/// `page` is rendered once, at the end of the run, with the totals; the request
/// and failure fragments are rendered as requests finish and spooled, then put
/// where `page` has its two markers (`HTMLReporter`).
enum HTMLTemplates {
    /// Every template starts with this pragma: values are escaped by `HTMLEscaping`
    /// (the same five characters as the engine's own HTML escaping, on UTF-8 bytes).
    static let contentType = "{{% CONTENT_TYPE: \(HTMLEscaping.name) }}"

    static let page = contentType + #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="generator" content="Fathom">
    <title>{{collection}}: {{verdict}}</title>
    <style>
    :root { --fg: #1f2328; --muted: #656d76; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
            --pass: #1a7f37; --fail: #cf222e; --error: #8250df; --skip: #9a6700; --accent: #0969da;
            --dns: #8c959f; --connect: #bf8700; --tls: #8250df; --wait: #0969da; --download: #1a7f37; }
    @media (prefers-color-scheme: dark) {
      :root { --fg: #e6edf3; --muted: #8d96a0; --bg: #0d1117; --panel: #161b22; --line: #30363d;
              --pass: #3fb950; --fail: #f85149; --error: #a371f7; --skip: #d29922; --accent: #4493f8; }
    }
    * { box-sizing: border-box; }
    body { margin: 0; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
    main { max-width: 1200px; margin: 0 auto; padding: 24px; }
    h1 { font-size: 24px; margin: 0 0 4px; }
    h2 { font-size: 18px; margin: 28px 0 10px; }
    code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
    pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow: auto; max-height: 420px; white-space: pre-wrap; word-break: break-all; margin: 4px 0 10px; }
    .meta { color: var(--muted); margin: 0 0 16px; }
    .verdict { display: inline-block; font-weight: 600; padding: 2px 10px; border-radius: 999px; color: #fff; }
    .verdict.passed { background: var(--pass); } .verdict.failed { background: var(--fail); } .verdict.interrupted { background: var(--skip); }
    .counts { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
    .count { flex: 1 1 120px; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
    .count .n { display: block; font-size: 26px; font-weight: 600; }
    .count.passed .n { color: var(--pass); } .count.failed .n { color: var(--fail); } .count.error .n { color: var(--error); } .count.skipped .n { color: var(--skip); }
    .count .label { color: var(--muted); }
    #failures ol { padding-left: 22px; }
    #failures li { margin-bottom: 8px; }
    #failures .what { color: var(--muted); }
    .controls { position: sticky; top: 0; background: var(--bg); padding: 10px 0; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 8px; align-items: center; z-index: 1; }
    .controls button { font: inherit; padding: 4px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); color: var(--fg); cursor: pointer; }
    .controls button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
    .controls input { font: inherit; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); min-width: 240px; flex: 1; }
    #shown { color: var(--muted); }
    details.request { border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 6px; margin: 8px 0; background: var(--bg); }
    details.request.passed { border-left-color: var(--pass); } details.request.failed { border-left-color: var(--fail); }
    details.request.error { border-left-color: var(--error); } details.request.skipped { border-left-color: var(--skip); }
    details.request > summary { cursor: pointer; padding: 8px 12px; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
    details.request > summary .name { font-weight: 600; }
    details.request > summary .exchange { color: var(--muted); font-family: ui-monospace, monospace; font-size: 12px; overflow-wrap: anywhere; }
    details.request > summary .time { margin-left: auto; color: var(--muted); }
    .badge { font-size: 11px; font-weight: 700; text-transform: uppercase; padding: 1px 6px; border-radius: 4px; color: #fff; }
    .badge.passed { background: var(--pass); } .badge.failed { background: var(--fail); } .badge.error { background: var(--error); } .badge.skipped { background: var(--skip); }
    .detail { padding: 4px 14px 12px; border-top: 1px solid var(--line); }
    .detail h3 { font-size: 13px; margin: 12px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
    .problem { color: var(--fail); font-weight: 600; white-space: pre-wrap; }
    .note { color: var(--skip); white-space: pre-wrap; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
    th { color: var(--muted); font-weight: 600; }
    td code { white-space: pre-wrap; word-break: break-all; }
    tr.fail td.mark { color: var(--fail); } tr.pass td.mark { color: var(--pass); } tr.skip td.mark { color: var(--skip); }
    tr.fail td.name { color: var(--fail); font-weight: 600; }
    td.mark { width: 1.5em; }
    .msg { color: var(--muted); white-space: pre-wrap; font-weight: normal; }
    .timing { display: flex; height: 14px; border-radius: 3px; overflow: hidden; background: var(--panel); border: 1px solid var(--line); margin: 6px 0 2px; }
    .timing span { display: block; height: 100%; min-width: 0; }
    .timing .dns { background: var(--dns); } .timing .connect { background: var(--connect); } .timing .tls { background: var(--tls); }
    .timing .wait { background: var(--wait); } .timing .download { background: var(--download); }
    .legend { color: var(--muted); font-size: 12px; display: flex; flex-wrap: wrap; gap: 12px; }
    .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
    table.headers { width: auto; min-width: 50%; }
    .headers td:first-child { white-space: nowrap; color: var(--muted); }
    footer { color: var(--muted); margin: 32px 0 8px; font-size: 12px; }
    [hidden] { display: none !important; }
    </style>
    </head>
    <body>
    <main>
    <header>
    <h1 id="title">{{collection}}</h1>
    <p class="meta">{{#source}}<code>{{source}}</code> · {{/source}}started {{startedAt}} · took {{duration}}{{#iterations}} · {{iterations}} iterations{{/iterations}}</p>
    <span id="verdict" class="verdict {{verdictClass}}">{{verdict}}</span>
    </header>

    <section class="counts" id="counts" aria-label="Totals">
    <div class="count total"><span class="n" id="count-requests">{{requests}}</span><span class="label">requests run</span></div>
    <div class="count passed"><span class="n" id="count-passed">{{passed}}</span><span class="label">passed</span></div>
    <div class="count failed"><span class="n" id="count-failed">{{failed}}</span><span class="label">failed</span></div>
    <div class="count error"><span class="n" id="count-errors">{{errors}}</span><span class="label">errors</span></div>
    <div class="count skipped"><span class="n" id="count-skipped">{{skipped}}</span><span class="label">skipped</span></div>
    <div class="count"><span class="n" id="count-assertions">{{assertionsPassed}}/{{assertions}}</span><span class="label">assertions passed</span></div>
    </section>
    {{#hasWarnings}}
    <section id="warnings"><h2>Warnings</h2><ul>{{#warnings}}<li class="note">{{.}}</li>{{/warnings}}</ul></section>
    {{/hasWarnings}}
    {{#hasFailures}}
    <section id="failures">
    <h2>Failures ({{failureCount}})</h2>
    <ol>
    {{{failuresMarker}}}
    </ol>
    {{#unlistedFailures}}<p class="meta">{{unlistedFailures}} more failing requests are not listed here; filter the requests below by status to see them.</p>{{/unlistedFailures}}
    </section>
    {{/hasFailures}}

    <h2>Requests</h2>
    <nav class="controls" aria-label="Filter">
    <button type="button" data-filter="all" aria-pressed="true">All <span class="k">{{total}}</span></button>
    <button type="button" data-filter="failed" aria-pressed="false">Failed <span class="k">{{failed}}</span></button>
    <button type="button" data-filter="error" aria-pressed="false">Errors <span class="k">{{errors}}</span></button>
    <button type="button" data-filter="passed" aria-pressed="false">Passed <span class="k">{{passed}}</span></button>
    <button type="button" data-filter="skipped" aria-pressed="false">Skipped <span class="k">{{skipped}}</span></button>
    <input id="search" type="search" placeholder="Search requests by name" aria-label="Search requests by name">
    <span id="shown">{{total}} shown</span>
    </nav>
    <section id="requests">
    {{{requestsMarker}}}
    </section>
    <footer>Written by Fathom{{#version}} {{version}}{{/version}}. Secrets are shown as ***.</footer>
    </main>
    <script>
    (function () {
      var rows = Array.prototype.slice.call(document.querySelectorAll('#requests details.request'));
      var buttons = Array.prototype.slice.call(document.querySelectorAll('.controls button'));
      var search = document.getElementById('search');
      var shown = document.getElementById('shown');
      var state = { status: 'all', q: '' };
      function read() {
        var params = new URLSearchParams(location.hash.replace(/^#/, ''));
        var s = params.get('status');
        state.status = (s && /^(all|passed|failed|error|skipped)$/.test(s)) ? s : 'all';
        state.q = (params.get('q') || '').toLowerCase();
        search.value = params.get('q') || '';
      }
      function write() {
        var parts = [];
        if (state.status !== 'all') parts.push('status=' + encodeURIComponent(state.status));
        if (state.q) parts.push('q=' + encodeURIComponent(state.q));
        history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search);
      }
      function apply() {
        var n = 0;
        rows.forEach(function (row) {
          var match = (state.status === 'all' || row.getAttribute('data-status') === state.status) &&
                      (!state.q || row.getAttribute('data-name').indexOf(state.q) !== -1);
          row.hidden = !match;
          if (match) n++;
        });
        buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-filter') === state.status)); });
        shown.textContent = n + ' of ' + rows.length + ' shown';
        document.body.setAttribute('data-shown', String(n));
      }
      buttons.forEach(function (b) {
        b.addEventListener('click', function () { state.status = b.getAttribute('data-filter'); write(); apply(); });
      });
      search.addEventListener('input', function () { state.q = search.value.trim().toLowerCase(); write(); apply(); });
      document.querySelectorAll('#failures a[href^="#r"]').forEach(function (a) {
        a.addEventListener('click', function () {
          var target = document.getElementById(a.getAttribute('href').slice(1));
          if (target) { target.hidden = false; target.open = true; }
        });
      });
      if (/^#r\d+$/.test(location.hash)) {
        var target = document.getElementById(location.hash.slice(1));
        if (target) target.open = true;
      } else {
        read();
      }
      apply();
    })();
    </script>
    </body>
    </html>

    """#

    static let request = contentType + #"""
    <details class="request {{status}}" id="r{{index}}" data-status="{{status}}" data-name="{{searchName}}"{{#open}} open{{/open}}>
    <summary><span class="badge {{status}}">{{statusLabel}}</span><span class="name">{{name}}</span>{{#exchange}}<span class="exchange">{{exchange}}</span>{{/exchange}}<span class="time">{{duration}}</span></summary>
    <div class="detail">
    {{#error}}<p class="problem">error: {{error}}</p>{{/error}}
    {{#skipReason}}<p class="note">skipped: {{skipReason}}</p>{{/skipReason}}
    {{#warnings}}<p class="note">{{.}}</p>{{/warnings}}
    {{#timing}}
    <h3>Timing · {{total}}</h3>
    <div class="timing" role="img" aria-label="DNS {{dns}}, connect {{connect}}, TLS {{tls}}, first byte {{wait}}, download {{download}}">{{#segments}}<span class="{{kind}}" style="width: {{percent}}%" title="{{label}} {{time}}"></span>{{/segments}}</div>
    <div class="legend"><span><i style="background: var(--dns)"></i>DNS {{dns}}</span><span><i style="background: var(--connect)"></i>connect {{connect}}</span><span><i style="background: var(--tls)"></i>TLS {{tls}}</span><span><i style="background: var(--wait)"></i>first byte {{wait}}</span><span><i style="background: var(--download)"></i>download {{download}}</span>{{#rateLimitWait}}<span>rate-limit waits {{rateLimitWait}}</span>{{/rateLimitWait}}</div>
    {{/timing}}
    {{#hasAssertions}}
    <h3>Assertions</h3>
    <table class="assertions"><thead><tr><th></th><th>Assertion</th><th>Expected</th><th>Actual</th></tr></thead><tbody>
    {{#assertions}}<tr class="{{class}}"><td class="mark">{{mark}}</td><td class="name">{{name}}{{#message}}<div class="msg">{{message}}</div>{{/message}}{{#place}}<div class="msg">{{place}}</div>{{/place}}</td><td>{{#expected}}<code>{{expected}}</code>{{/expected}}</td><td>{{#actual}}<code>{{actual}}</code>{{/actual}}</td></tr>
    {{/assertions}}</tbody></table>
    {{/hasAssertions}}
    {{#request}}
    <h3>Request</h3>
    <pre>{{method}} {{url}}</pre>
    {{#hasHeaders}}<table class="headers">{{#headers}}<tr><td>{{name}}</td><td><code>{{value}}</code></td></tr>{{/headers}}</table>{{/hasHeaders}}
    {{#body}}<pre>{{body}}</pre>{{/body}}{{#bodyTruncated}}<p class="note">body cut at {{bodyLimit}}</p>{{/bodyTruncated}}
    {{/request}}
    {{#response}}
    <h3>Response · {{status}} · {{size}}</h3>
    {{#hasHeaders}}<table class="headers">{{#headers}}<tr><td>{{name}}</td><td><code>{{value}}</code></td></tr>{{/headers}}</table>{{/hasHeaders}}
    {{#body}}<pre>{{body}}</pre>{{/body}}{{#bodyTruncated}}<p class="note">body cut at {{bodyLimit}}</p>{{/bodyTruncated}}
    {{/response}}
    {{#hasConsole}}<h3>Console</h3><pre>{{#console}}{{.}}
    {{/console}}</pre>{{/hasConsole}}
    {{#file}}<p class="meta">{{file}}</p>{{/file}}
    </div>
    </details>

    """#

    static let failure = contentType + #"""
    <li><a href="#r{{index}}"><strong>{{name}}</strong></a> <span class="badge {{status}}">{{statusLabel}}</span>{{#place}} <span class="what"><code>{{place}}</code></span>{{/place}}
    <ul>{{#lines}}<li>{{#assertion}}<code>{{assertion}}</code>{{/assertion}}{{#expected}} expected <code>{{expected}}</code>{{/expected}}{{#actual}}, actual <code>{{actual}}</code>{{/actual}}{{#message}} <span class="what">{{message}}</span>{{/message}}{{#error}}<span class="problem">error: {{error}}</span>{{/error}}</li>{{/lines}}</ul></li>

    """#
}

/// HTML escaping for the report's templates: `&`, `<`, `>`, `"` and `'`, as
/// swift-mustache's own, but on UTF-8 bytes, and a value without any of them is
/// passed through without a copy. (The engine's escaper looks up every character
/// in a dictionary: with response bodies in every request's fragment it was most
/// of the HTML reporter's time.)
struct HTMLEscaping: MustacheContentType {
    static let name = "FATHOM_HTML"

    /// Registers the content type with the engine once.
    static let registered: Void = MustacheContentTypes.register(HTMLEscaping(), named: name)

    func escapeText(_ text: String) -> String {
        Self.escape(text)
    }

    static func escape(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String in
            guard let first = bytes.firstIndex(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
                return String(decoding: bytes, as: UTF8.self)
            }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 32)
            out.append(contentsOf: bytes[..<first])
            for b in bytes[first...] {
                switch b {
                case 0x26: out.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
                case 0x3C: out.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
                case 0x3E: out.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
                case 0x22: out.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])  // &quot;
                case 0x27: out.append(contentsOf: [0x26, 0x23, 0x33, 0x39, 0x3B])  // &#39;
                default: out.append(b)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
