// Sample output:
//
//   {
//     "collection": "Sample API",
//     "source": "examples/sample",
//     "startedAt": "2025-01-31T12:00:00Z",
//     "durationMs": 12.3,
//     "interrupted": false,
//     "exitStatus": 1,
//     "iterations": 1,
//     "skippedScripts": [{ "name": "test script of request \"Get me\"", "location": "…:12:7: item \"Get me\"", "reason": "scripts not run" }],
//     "summary": {
//       "requests": 3, "passed": 1, "failed": 1, "errors": 1, "skipped": 1,
//       "assertions": { "total": 3, "passed": 2, "failed": 1 }
//     },
//     "requests": [
//       {
//         "index": 1, "id": "01-auth/01-me.json", "name": "Get me", "folders": ["auth"],
//         "qualifiedName": "auth / Get me", "status": "passed", "durationMs": 4.3,
//         "request": { "method": "GET", "url": "http://127.0.0.1:8484/get", "headers": [{ "name": "Accept", "value": "*/*" }] },
//         "response": {
//           "status": 200, "httpVersion": "1.1", "sizeBytes": 312,
//           "headers": [{ "name": "Content-Type", "value": "application/json" }],
//           "body": "{…}",
//           "timing": { "dnsMs": 0.1, "connectMs": 0.3, "tlsMs": 0, "firstByteMs": 3.9, "totalMs": 4.1 }
//         },
//         "assertions": [{ "name": "status equals 200", "passed": true, "implicit": false }]
//       },
//       { …, "status": "error", "error": "connection failed: Connection refused" },
//       { …, "status": "skipped", "skipReason": "depends on a failed request" }
//     ]
//   }
//
// (Written pretty-printed, one member per line.) Response bodies over `bodyLimit`
// bytes are cut, with "bodyTruncated": true.

import FathomCore
import Foundation

/// Writes a machine-readable JSON report, streaming: each request's entry is
/// rendered when it finishes and spooled, and the summary is written when the run
/// ends (the bytes are those of rendering the whole report at once).
public final class JSONReporter: Reporter {
    public let outputPath: String
    /// Request and response bodies longer than this many UTF-8 bytes are truncated.
    public let bodyLimit: Int

    private var runInfo: RunInfo?
    private var summary: RunSummary?
    private var counts = RunCounts()
    private var sumMs = 0.0
    private var entries = 0
    private var sawResults = false
    private var spool: Spool?
    private var problem: (any Error)?

    public init(outputPath: String, bodyLimit: Int = 64 * 1024) {
        self.outputPath = outputPath
        self.bodyLimit = bodyLimit
    }

    public func handle(_ event: RunEvent) {
        switch event {
        case .runStarted(let info): runInfo = info
        case .requestStarted, .iterationStarted: break
        case .requestFinished(let result):
            sawResults = true
            add(result)
        case .runFinished(let s):
            summary = s
            if !sawResults { for r in s.results { add(r) } }
        }
    }

    /// One entry of "requests", indented as it stands in the pretty-printed report
    /// (JSON text holds no raw newline inside a string, so lines can be indented).
    private func add(_ result: RequestResult) {
        counts.add(result)
        sumMs += result.durationMs
        let text = requestJSON(result).serialized(pretty: true)
        var entry = entries == 0 ? "" : ",\n"
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            entry += (i == 0 ? "" : "\n") + "    " + line
        }
        entries += 1
        do {
            if spool == nil { spool = try Spool() }
            try spool!.append(entry)
        } catch {
            problem = problem ?? error
        }
    }

    public func finish() throws {
        if let problem { throw problem }
        let (head, tail) = frame()
        try writeReport(head: head, spool: spool, tail: tail, to: outputPath)
    }

    /// The report as a JSON value.
    public func render() -> JSON {
        let (head, tail) = frame()
        return (try? JSONParser.parse(head + (spool?.contents() ?? "") + tail)) ?? .null
    }

    /// The report around its "requests" entries.
    private func frame() -> (String, String) {
        let marker = "fathom-requests-go-here"
        var root = frameObject()
        root["requests"] = .array([.string(marker)])
        let text = JSON.object(root).serialized(pretty: true) + "\n"
        let line = "    \"\(marker)\""
        guard let range = text.range(of: line) else { return (text, "") }
        var head = String(text[..<range.lowerBound])
        var tail = String(text[range.upperBound...])
        if entries == 0 {
            // As the serializer writes an empty array.
            head = String(head.dropLast(head.hasSuffix("[\n") ? 1 : 0))
            if tail.hasPrefix("\n  ]") { tail = "]" + tail.dropFirst(4) }
        }
        return (head, tail)
    }

    private func frameObject() -> JSONObject {
        let s = summary ?? RunSummary(
            collectionName: runInfo?.collectionName ?? "", results: [], counts: counts, durationMs: sumMs)

        var root = JSONObject()
        root["collection"] = .string(s.collectionName)
        if let info = runInfo {
            root["source"] = .string(info.source)
            root["startedAt"] = .string(Format.iso8601(secondsSince1970: info.startedAt))
        }
        root["durationMs"] = Format.msValue(s.durationMs)
        root["interrupted"] = .bool(s.interrupted)
        root["exitStatus"] = .integer(Int64(s.exitStatus))
        root["summary"] = .object([
            "requests": .integer(Int64(s.requests)),
            "passed": .integer(Int64(counts.passed)),
            "failed": .integer(Int64(s.failedRequests)),
            "errors": .integer(Int64(s.errors)),
            "skipped": .integer(Int64(s.skipped)),
            "assertions": .object([
                "total": .integer(Int64(s.assertionsPassed + s.assertionsFailed)),
                "passed": .integer(Int64(s.assertionsPassed)),
                "failed": .integer(Int64(s.assertionsFailed)),
                "skipped": .integer(Int64(s.assertionsSkipped)),
            ]),
        ])
        if let info = runInfo {
            root["iterations"] = .integer(Int64(info.iterations))
            if !info.warnings.isEmpty { root["warnings"] = .array(info.warnings.map { .string($0) }) }
            root["skippedScripts"] = .array(info.skippedScripts.map { .object(["name": .string($0.name), "location": .string($0.location), "reason": .string(SkippedScript.reason)]) })
            if let shard = info.shard {
                // One shard's share of a run: what `fathom merge-reports` checks and orders by.
                root["shard"] = .object([
                    "index": .integer(Int64(shard.index)), "count": .integer(Int64(shard.count)),
                    "plan": .string(shard.plan), "units": .integer(Int64(shard.unitCount)),
                ])
            }
        }
        return root
    }

    private func requestJSON(_ r: RequestResult) -> JSON {
        var o = JSONObject()
        o["index"] = .integer(Int64(r.info.index))
        o["id"] = .string(r.info.id)
        o["name"] = .string(r.info.name)
        o["folders"] = .array(r.info.folders.map { .string($0) })
        o["qualifiedName"] = .string(r.info.qualifiedName)
        if r.info.iterations > 1 { o["iteration"] = .integer(Int64(r.info.iteration)) }
        if let order = r.info.shardOrder { o["shardOrder"] = .integer(Int64(order)) }
        o["status"] = .string(r.status.rawValue)
        o["durationMs"] = Format.msValue(r.durationMs)
        if let req = r.request {
            var q = JSONObject()
            q["method"] = .string(req.method)
            q["url"] = .string(req.url)
            q["headers"] = headersJSON(req.headers)
            if let body = req.body { addBody(body, to: &q) }
            o["request"] = .object(q)
        }
        if let res = r.response {
            var p = JSONObject()
            p["status"] = .integer(Int64(res.status))
            p["httpVersion"] = .string(res.httpVersion)
            p["sizeBytes"] = .integer(Int64(res.sizeBytes))
            p["headers"] = headersJSON(res.headers)
            addBody(res.body, to: &p, cutByRunner: res.bodyTruncated)
            let t = res.timing
            p["timing"] = .object([
                "dnsMs": Format.msValue(Double(t.dnsMicros) / 1000),
                "connectMs": Format.msValue(Double(t.connectMicros) / 1000),
                "tlsMs": Format.msValue(Double(t.tlsMicros) / 1000),
                "firstByteMs": Format.msValue(Double(t.firstByteMicros) / 1000),
                "totalMs": Format.msValue(t.totalMs),
            ])
            o["response"] = .object(p)
        }
        o["assertions"] = .array(r.assertions.map { a in
            var j = JSONObject()
            j["name"] = .string(a.name)
            j["passed"] = .bool(a.passed)
            j["implicit"] = .bool(a.isImplicit)
            if a.isSkipped { j["skipped"] = true }
            if a.isError { j["error"] = true }
            if let e = a.expected { j["expected"] = .string(e) }
            if let v = a.actual { j["actual"] = .string(v) }
            if let m = a.message { j["message"] = .string(m) }
            return .object(j)
        })
        if let e = r.errorMessage { o["error"] = .string(e) }
        if let s = r.skipReason { o["skipReason"] = .string(s) }
        if r.rateLimitWaitMs > 0 { o["rateLimitWaitMs"] = Format.msValue(r.rateLimitWaitMs) }
        if !r.warnings.isEmpty { o["warnings"] = .array(r.warnings.map { .string($0) }) }
        if !r.console.isEmpty { o["console"] = .array(r.console.map { .string($0) }) }
        return .object(o)
    }

    private func headersJSON(_ headers: [HTTPHeader]) -> JSON {
        .array(headers.map { .object(["name": .string($0.name), "value": .string($0.value)]) })
    }

    private func addBody(_ body: String, to o: inout JSONObject, cutByRunner: Bool = false) {
        let (text, cut) = Format.truncated(body, limit: bodyLimit)
        o["body"] = .string(text)
        if cut || cutByRunner { o["bodyTruncated"] = .bool(true) }
    }
}
