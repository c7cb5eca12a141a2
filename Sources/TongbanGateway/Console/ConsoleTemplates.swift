import Mustache

/// The console's pages as Mustache templates, compiled into the binary rather than shipped as
/// resource files: `tongban` stays one file to deploy (no resource bundle to lose beside it),
/// and a template can never be out of step with the code that fills it.
///
/// Every value goes through `{{ }}`, which escapes `& < > " '`: data is never rendered with
/// triple mustaches, so nothing a partner, a window or an operator typed can become markup.
/// Each page starts with the `header` partial and ends with `footer`; the header shows the
/// navigation only when `session` is set.
enum ConsoleTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in templates {
            do {
                try library.register(text, named: name)
            } catch {
                preconditionFailure("console template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    static let templates: [(String, String)] = [
        ("header", """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{{title}} · Tongban console</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
        header{background:#1f3a5f;color:#fff;padding:.5em 1em;display:flex;gap:1.2em;align-items:center}
        header a{color:#fff}
        main{padding:1em}
        table{border-collapse:collapse;margin:.5em 0}
        td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
        pre{background:#f6f6f6;padding:.5em;overflow:auto}
        .add{background:#e6ffec}.del{background:#ffebe9}
        .error{color:#b00020;font-weight:bold}.ok{color:#1a7f37;font-weight:bold}
        form.inline{display:inline}
        fieldset{margin:.5em 0}
        </style></head><body>
        <header><strong>Tongban 通办</strong>
        {{#session}}<a href="/console">Overview</a><a href="/console/dead-letters">Dead letters</a><a href="/console/log">Message log</a><a href="/console/overdue">Overdue cases</a>
        <span>{{name}} ({{role}})</span>
        <form class="inline" method="post" action="/console/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Log out</button></form>{{/session}}
        </header><main><h1>{{title}}</h1>
        {{#message}}<p class="error">{{message}}</p>{{/message}}
        """),
        ("footer", "</main></body></html>\n"),
        ("login", """
        {{> header}}
        <form method="post" action="/console/login">
        <input type="hidden" name="csrf" value="{{loginToken}}">
        <p><label>Operator <input name="name" value="{{typedName}}" required autocomplete="username"></label></p>
        <p><label>Password <input name="password" type="password" required autocomplete="current-password"></label></p>
        <p><button type="submit">Log in</button></p>
        </form>
        {{> footer}}
        """),
        ("overview", """
        {{> header}}
        <table><tr><th>Destination</th><th>Protocol</th><th>Breaker</th><th>Waiting</th><th>In flight</th><th>Offered</th><th>Oldest waiting</th><th>Dead letters</th><th>Delivered, last hour</th><th>Rate, last 15 min</th><th>Delivered (all time)</th><th>On-time rate, 30 days</th></tr>
        {{#destinations}}<tr><td>{{name}}</td><td>{{protocol}}</td><td>{{breaker}}</td><td>{{pending}}</td><td>{{inFlight}}</td><td>{{offered}}</td><td>{{oldest}}</td>
        <td><a href="/console/dead-letters?destination={{name}}">{{dead}}</a></td><td>{{lastHour}}</td><td>{{perMinute}}</td><td>{{delivered}}</td><td>{{onTime}}</td></tr>{{/destinations}}
        </table>
        <p>Throughput counts deliveries since this gateway started, at most the last hour. {{slaNote}}</p>
        {{> footer}}
        """),
        ("dead-letters", """
        {{> header}}
        <form method="get" action="/console/dead-letters"><fieldset><legend>Filter</legend>
        <label>Destination <select name="destination"><option value="">any</option>{{#destinationOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/destinationOptions}}</select></label>
        <label>Error <select name="errorClass"><option value="">any</option>{{#errorOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/errorOptions}}</select></label>
        <label>Matter <input name="matter" value="{{filter.matter}}" size="10"></label>
        <label>Partner code <input name="partnerCode" value="{{filter.partnerCode}}" size="6"></label>
        <label>Case number <input name="caseNumber" value="{{filter.caseNumber}}"></label>
        <button type="submit">Filter</button></fieldset></form>
        <form method="get" action="/console/replay">
        <table><tr>{{#canOperate}}<th></th>{{/canOperate}}<th>Transfer</th><th>Case</th><th>Destination</th><th>Kind</th><th>Died</th><th>Attempts</th><th>Last error</th></tr>
        {{#items}}<tr>{{#canOperate}}<td><input type="checkbox" name="id" value="{{id}}" aria-label="select transfer {{id}}"></td>{{/canOperate}}
        <td><a href="/console/transfers/{{id}}">{{id}}</a></td><td>{{caseId}}</td><td>{{destination}}</td><td>{{kind}}</td><td>{{finishedAt}}</td><td>{{attempts}}</td><td>{{lastError}}</td></tr>{{/items}}
        {{^items}}<tr><td colspan="8">No dead letters match.</td></tr>{{/items}}
        </table>
        {{#canOperate}}{{#hasItems}}<button type="submit">Replay selected…</button>{{/hasItems}}{{/canOperate}}
        </form>
        {{#next}}<p><a href="{{next}}">Older dead letters</a></p>{{/next}}
        {{> footer}}
        """),
        ("transfer", """
        {{> header}}
        <table>
        <tr><th>State</th><td id="state">{{transfer.state}}</td></tr>
        <tr><th>Case</th><td>{{transfer.caseId}}</td></tr>
        <tr><th>Destination</th><td>{{transfer.destination}} ({{transfer.kind}})</td></tr>
        <tr><th>Message id</th><td>{{transfer.messageId}}</td></tr>
        <tr><th>Created</th><td>{{transfer.createdAt}}</td></tr>
        <tr><th>Finished</th><td>{{transfer.finishedAt}}</td></tr>
        <tr><th>Attempts</th><td>{{transfer.attemptCount}}</td></tr>
        <tr><th>Last error</th><td>{{transfer.lastError}}</td></tr>
        </table>
        {{#canReplay}}
        <form method="get" action="/console/replay"><input type="hidden" name="id" value="{{transfer.id}}"><button type="submit">Replay…</button></form>
        <form method="post" action="/console/transfers/{{transfer.id}}/close"><fieldset><legend>Close without sending</legend>
        <input type="hidden" name="csrf" value="{{session.csrf}}">
        <label>Reason <input name="reason" required maxlength="500" size="60"></label> <button type="submit">Close</button></fieldset></form>
        {{/canReplay}}
        <h2>Payload</h2><p>{{transfer.contentType}}, SHA-256 {{transfer.payloadSha256}}</p>
        <pre>{{#transfer.payload}}{{.}}
        {{/transfer.payload}}</pre>
        <h2>Attempts</h2>
        <table><tr><th>#</th><th>At</th><th>ms</th><th>Outcome</th><th>HTTP</th><th>Code</th><th>Answer</th></tr>
        {{#transfer.attempts}}<tr><td>{{number}}</td><td>{{at}}</td><td>{{durationMillis}}</td><td>{{outcome}}</td><td>{{httpStatus}}</td><td>{{partnerCode}}</td><td>{{answer}}</td></tr>{{/transfer.attempts}}
        </table>
        <h2>Message log</h2>
        <table><tr><th>Seq</th><th>At</th><th>Direction</th><th>Route</th><th>HTTP</th><th>Result</th><th>Actor</th><th>Reason</th></tr>
        {{#transfer.log}}<tr><td>{{seq}}</td><td>{{at}}</td><td>{{direction}}</td><td>{{route}}</td><td>{{httpStatus}}</td><td>{{result}}</td><td>{{actor}}</td><td>{{reason}}</td></tr>{{/transfer.log}}
        </table>
        {{> footer}}
        """),
        ("replay", """
        {{> header}}
        <form method="post" action="/console/replay">
        <input type="hidden" name="csrf" value="{{session.csrf}}">
        {{#ids}}<input type="hidden" name="id" value="{{.}}">{{/ids}}
        <p>Transfers: {{#ids}}<a href="/console/transfers/{{.}}">{{.}}</a> {{/ids}}</p>
        <fieldset><legend>Mode</legend>
        <label><input type="radio" name="mode" value="retranslate"{{#retranslate}} checked{{/retranslate}}> re-translate (a new payload from the stored case with today's mappings, same message id)</label><br>
        <label><input type="radio" name="mode" value="resend"{{#resend}} checked{{/resend}}> resend (the stored payload, byte for byte)</label>
        </fieldset>
        <p><label>Reason (goes into the message log) <input name="reason" value="{{reason}}" maxlength="500" size="80"></label></p>
        <p><button type="submit" name="action" value="dry-run">Dry run</button>
        {{#planned}}<button type="submit" name="action" value="confirm">Confirm replay</button>{{/planned}}</p>
        </form>
        {{#items}}<h2>Transfer <a href="/console/transfers/{{id}}">{{id}}</a> to {{destination}}: {{outcome}}</h2>
        {{#skipped}}<p class="error">{{skipped}}</p>{{/skipped}}
        {{#hasDiff}}<pre>{{#diff}}<span class="{{kind}}">{{line}}</span>
        {{/diff}}</pre>{{/hasDiff}}{{^hasDiff}}<p>The payload stays the same.</p>{{/hasDiff}}
        {{/items}}
        {{> footer}}
        """),
        ("replay-progress", """
        {{> header}}
        <p>Started {{createdAt}} by {{operator}} ({{mode}}): {{reason}}</p>
        <p class="{{#done}}ok{{/done}}">{{#done}}Done: nothing is waiting.{{/done}}{{^done}}Still waiting for delivery.{{/done}}</p>
        {{#pause}}<p class="error">Paused since {{since}} by {{by}}: {{reason}}. Its waiting transfers are held.</p>{{/pause}}
        <table><tr><th>State</th><th>Transfers</th></tr>{{#states}}<tr><td>{{state}}</td><td>{{count}}</td></tr>{{/states}}</table>
        {{#canOperate}}{{^done}}
        <form method="post" action="/console/replays/{{id}}/{{#pause}}resume{{/pause}}{{^pause}}pause{{/pause}}"><fieldset>
        <legend>{{#pause}}Resume: the held transfers go out{{/pause}}{{^pause}}Pause: hold the waiting transfers{{/pause}}</legend>
        <input type="hidden" name="csrf" value="{{session.csrf}}">
        <label>Reason <input name="reason" required maxlength="500" size="60"></label>
        <button type="submit">{{#pause}}Resume{{/pause}}{{^pause}}Pause{{/pause}}</button></fieldset></form>
        {{/done}}{{/canOperate}}
        <p><a href="/console/log">The message log</a> shows each transfer's replay and attempts.</p>
        {{> footer}}
        """),
        ("log", """
        {{> header}}
        <form method="get" action="/console/log"><label>Latest <input name="limit" value="{{limit}}" size="5"> entries</label> <button type="submit">Show</button></form>
        <table><tr><th>Seq</th><th>At</th><th>Direction</th><th>Party</th><th>Route</th><th>Case</th><th>Transfer</th><th>HTTP</th><th>Result</th><th>Actor</th><th>Reason</th></tr>
        {{#entries}}<tr><td>{{seq}}</td><td>{{at}}</td><td>{{direction}}</td><td>{{party}}</td><td>{{route}}</td><td>{{caseId}}</td>
        <td>{{#transferId}}<a href="/console/transfers/{{transferId}}">{{transferId}}</a>{{/transferId}}</td><td>{{httpStatus}}</td><td>{{result}}</td><td>{{actor}}</td><td>{{reason}}</td></tr>{{/entries}}
        </table>
        {{> footer}}
        """),
        ("overdue", """
        {{> header}}
        {{#unavailable}}<p class="error">{{unavailable}}</p>{{/unavailable}}
        {{#lists}}<h2>{{heading}}</h2>
        <table><tr><th>Case</th><th>Agreement</th><th>Matter</th><th>Status</th><th>Promised by</th></tr>
        {{#cases}}<tr><td>{{caseId}}</td><td>{{agreement}}</td><td>{{matter}}</td><td>{{status}}</td><td>{{promise}}</td></tr>{{/cases}}
        {{^cases}}<tr><td colspan="5">None.</td></tr>{{/cases}}
        </table>{{/lists}}
        {{> footer}}
        """),
        ("refused", """
        {{> header}}
        <p><a href="/console">Back to the overview</a></p>
        {{> footer}}
        """),
    ]
}
