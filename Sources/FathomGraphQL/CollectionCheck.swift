import FathomCore
import Foundation

/// The result of checking one request's GraphQL operation.
public struct OperationResult: Sendable {
    /// The request's id (its path in the collection) and display name.
    public var requestID: String
    public var requestName: String
    /// Where the query text is: a `.graphql` file, the request file, or the Postman file.
    public var file: String
    public var findings: [LocatedFinding]

    public var errors: Int { findings.filter { $0.severity == .error }.count }
    public var warnings: Int { findings.filter { $0.severity == .warning }.count }
    public var notes: Int { findings.filter { $0.severity == .note }.count }
}

/// A finding placed in the file the user edits.
public struct LocatedFinding: Sendable {
    public var severity: QueryFinding.Severity
    public var message: String
    /// `file:line:column` (or, for a query inside a Postman file, the item's
    /// position and the position inside the query).
    public var location: String

    /// `location: error: message`, as compilers print it.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Finds every GraphQL operation in a collection — native `graphql` bodies, their
/// `.graphql` sidecars, and graphql-mode bodies of Postman collections — and
/// checks each against a schema, placing findings in the file the query is written in.
public enum CollectionCheck {
    public static func run(_ collection: CollectionSpec, schema: SchemaCheck) -> [OperationResult] {
        var files = FileCache()
        var out: [OperationResult] = []
        for scheduled in collection.flattened() {
            guard scheduled.request.isGraphQL, let request = try? scheduled.request.loaded(),
                  case .graphql(let body)? = request.body else { continue }
            let place = QueryPlace(request: request, body: body, files: &files)
            // A request that allows GraphQL errors expects its query to be refused
            // (a negative test): its findings are notes, not errors.
            var graphqlErrors: JSON?
            for f in scheduled.folders { if let v = f.settings.options["graphql_errors"] { graphqlErrors = v } }
            if let v = request.options["graphql_errors"] { graphqlErrors = v }
            let expectsErrors = graphqlErrors?.stringValue == "allow"
            let findings = schema.check(body.query).map { f in
                LocatedFinding(severity: expectsErrors && f.severity == .error ? .note : f.severity, message: f.message,
                               location: place.describe(line: f.line, column: f.column))
            }
            out.append(OperationResult(requestID: request.id, requestName: request.name, file: place.file, findings: findings))
        }
        return out
    }
}

/// Files read once for a check.
struct FileCache {
    private var bytes: [String: [UInt8]] = [:]
    mutating func read(_ path: String) -> [UInt8]? {
        if let b = bytes[path] { return b }
        guard let d = FileManager.default.contents(atPath: path) else { return nil }
        let b = [UInt8](d)
        bytes[path] = b
        return b
    }
}

/// Where a query's text sits, and how a position in the query maps to the file.
struct QueryPlace {
    enum Kind {
        /// A `.graphql` file: positions are the file's own.
        case sidecar
        /// A JSON string in a request file: the file position of each UTF-16 unit
        /// of the query, and where each of the query's lines starts.
        case jsonString(units: [SourcePosition], lineStarts: [Int])
        /// Somewhere without a map (a Postman file): the element's own description.
        case element(String)
    }
    let file: String
    let kind: Kind

    init(request: RequestSpec, body: GraphQLBody, files: inout FileCache) {
        if let sidecar = body.queryFile {
            file = sidecar
            kind = .sidecar
            return
        }
        file = request.source.file
        if let start = request.source.sourceMap?.valuePosition(for: "/graphql/query"), let bytes = files.read(request.source.file),
            let units = Self.stringMap(bytes, at: start), units.count == body.query.utf16.count
        {
            kind = .jsonString(units: units, lineStarts: Self.lineStarts(body.query))
        } else {
            kind = .element(request.source.describe())
        }
    }

    func describe(line: Int?, column: Int?) -> String {
        switch kind {
        case .sidecar:
            guard let line else { return file }
            return "\(file):\(line):\(column ?? 1)"
        case .jsonString(let units, let lineStarts):
            guard let line, let column, line >= 1, line <= lineStarts.count else { return file }
            let offset = lineStarts[line - 1] + column - 1
            guard offset >= 0, offset < units.count else { return file }
            let p = units[offset]
            return "\(file):\(p.line):\(p.column)"
        case .element(let where_):
            guard let line else { return where_ }
            return "\(where_): query line \(line), column \(column ?? 1)"
        }
    }

    /// UTF-16 offsets where each line of `text` starts (after "\r\n", "\n" or "\r", as GraphQL counts).
    static func lineStarts(_ text: String) -> [Int] {
        var starts = [0]
        let u = Array(text.utf16)
        var i = 0
        while i < u.count {
            if u[i] == 0x0D {
                if i + 1 < u.count, u[i + 1] == 0x0A { i += 1 }
                starts.append(i + 1)
            } else if u[i] == 0x0A {
                starts.append(i + 1)
            }
            i += 1
        }
        return starts
    }

    /// For the JSON string whose opening quote is at `start` (line and column in
    /// characters): the file position of each UTF-16 unit of its decoded text.
    static func stringMap(_ b: [UInt8], at start: SourcePosition) -> [SourcePosition]? {
        // The byte offset of the opening quote.
        var k = 0
        var line = 1
        while line < start.line, k < b.count {
            if b[k] == 0x0A { line += 1 }
            k += 1
        }
        var column = 1
        while column < start.column, k < b.count {
            k += 1
            while k < b.count, b[k] & 0xC0 == 0x80 { k += 1 }
            column += 1
        }
        guard k < b.count, b[k] == 0x22 else { return nil }
        k += 1
        column += 1
        var units: [SourcePosition] = []
        while k < b.count {
            let c = b[k]
            if c == 0x22 { return units }
            let here = SourcePosition(line: line, column: column)
            if c == 0x5C {
                guard k + 1 < b.count else { return nil }
                let width = b[k + 1] == 0x75 ? 6 : 2  // \uXXXX or \n
                units.append(here)
                k += width
                column += width
                continue
            }
            let length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4
            units.append(here)
            if length == 4 { units.append(here) }  // a surrogate pair in UTF-16
            k += length
            column += 1
        }
        return nil
    }
}

/// `fathom check`'s JSON report.
public enum CheckReport {
    public static func json(_ results: [OperationResult], collection: String, schema: String) -> JSON {
        let errors = results.reduce(0) { $0 + $1.errors }
        let warnings = results.reduce(0) { $0 + $1.warnings }
        return [
            "collection": .string(collection),
            "schema": .string(schema),
            "summary": ["operations": .integer(Int64(results.count)), "errors": .integer(Int64(errors)), "warnings": .integer(Int64(warnings)),
                        "notes": .integer(Int64(results.reduce(0) { $0 + $1.notes }))],
            "operations": .array(results.map { r in
                [
                    "request": .string(r.requestID), "name": .string(r.requestName), "file": .string(r.file),
                    "findings": .array(r.findings.map { f in
                        ["severity": .string(f.severity.rawValue), "message": .string(f.message), "location": .string(f.location)]
                    }),
                ]
            }),
        ]
    }
}
