import FathomCore
import Foundation

/// A JSON file as the Postman reader sees it: decoded (UTF-8 with or without a BOM,
/// or UTF-16), parsed leniently (duplicate keys keep the last, as `JSON.parse` does).
///
/// Positions for messages come from a `JSONPositionIndex` of the elements of every
/// `item`, `event` and `values` array (one cheap pass); any other position is looked
/// up in a full source map, made only when a message first needs one. A 10,000-request
/// collection thus loads without recording the position of every value in it.
public struct PostmanFile: Sendable {
    public var path: String
    public var json: JSON
    private let bytes: [UInt8]
    private let index: [String: SourcePosition]
    private let fullMap: LazySourceMap

    public init(path: String, bytes: [UInt8], json: JSON) {
        self.path = path
        self.json = json
        self.bytes = bytes
        index = JSONPositionIndex.positions(in: bytes, elementsOf: ["item", "event", "events", "values"])
        fullMap = LazySourceMap(bytes)
    }

    /// Where the value at a JSON pointer starts (or its nearest ancestor).
    public func position(_ pointer: String) -> SourcePosition? {
        if let p = index[pointer] { return p }
        return fullMap.map.valuePosition(for: pointer)
    }

    /// Reads and parses `path`; a located error when it cannot be read or is not JSON.
    public static func read(_ path: String) throws(LoadError) -> PostmanFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError([Diagnostic(file: path, position: nil, message: "cannot read the file (check that it exists and is readable)")])
        }
        guard let (bytes, _) = TextDecoding.utf8(data) else {
            throw LoadError([Diagnostic(file: path, position: nil, message: "the file looks like UTF-16 but does not decode (an unpaired surrogate); save it as UTF-8")])
        }
        do {
            return PostmanFile(path: path, bytes: bytes, json: try JSONParser.parse(bytes))
        } catch {
            throw LoadError([Diagnostic(file: path, position: error.position, message: "invalid JSON: \(error.message)" + truncationHint(data))])
        }
    }

    /// " (the file ends early: truncated?)" when a JSON text stops mid-value.
    static func truncationHint(_ data: Data) -> String {
        var depth = 0
        var inString = false
        var escaped = false
        for b in data {
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
                continue
            }
            switch b {
            case 0x22: inString = true
            case 0x7B, 0x5B: depth += 1
            case 0x7D, 0x5D: depth -= 1
            default: break
            }
        }
        return depth > 0 || inString ? " — the file ends before the JSON does (a truncated download or copy?)" : ""
    }
}

/// A full source map of a text, made on first use.
final class LazySourceMap: @unchecked Sendable {
    private let bytes: [UInt8]
    private let computed = Locked<JSONSourceMap?>(nil)
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var map: JSONSourceMap {
        computed.withLock { m in
            if let m { return m }
            let made = (try? JSONParser.parseWithSourceMap(bytes))?.1 ?? JSONSourceMap()
            m = made
            return made
        }
    }
}

/// What a JSON file looks like, judged by its content, for choosing a reader and
/// for saying clearly what was given when it is not what was expected.
public enum FileKind: Equatable, Sendable {
    /// A Postman collection v2.0 / v2.1 (`version` "2.0.0" or "2.1.0").
    case postmanCollection(version: String)
    /// Postman's old v1 format (`requests` and `order`).
    case postmanV1Collection
    case postmanEnvironment
    case postmanGlobals
    /// Postman's legacy globals export: a bare array of `{key, value, enabled}`.
    case legacyGlobals
    /// An array of objects: iteration data.
    case iterationData
    /// A Fathom request file (`url`, `graphql`, or `method`).
    case fathomRequest
    /// A Fathom collection.json.
    case fathomCollectionSettings
    /// Newman's run options (`{"run": {...}}`, a `.postman_config.json`).
    case newmanOptions
    /// A flat object of name → value (a Fathom environment).
    case flatObject
    case other(String)

    public static func of(_ json: JSON) -> FileKind {
        switch json {
        case .array(let items):
            if !items.isEmpty, items.allSatisfy({ $0.objectValue?["key"] != nil }) { return .legacyGlobals }
            if items.allSatisfy({ $0.objectValue != nil }) { return .iterationData }
            return .other("a JSON array of \(items.first?.typeName ?? "nothing")s")
        case .object(let o):
            if let info = o["info"]?.objectValue {
                let schema = info["schema"]?.stringValue ?? ""
                if schema.contains("v2.0.0") { return .postmanCollection(version: "2.0.0") }
                if schema.contains("v1.0.0") { return .postmanV1Collection }
                if o["item"] != nil || schema.contains("postman") { return .postmanCollection(version: "2.1.0") }
            }
            if case .array? = o["item"] { return .postmanCollection(version: "2.1.0") }
            if o["requests"] != nil, o["order"] != nil || o["folders"] != nil { return .postmanV1Collection }
            if case .array(let values)? = o["values"] {
                let scope = o["_postman_variable_scope"]?.stringValue
                if scope == "globals" { return .postmanGlobals }
                if scope == "environment" || values.allSatisfy({ $0.objectValue?["key"] != nil }) { return .postmanEnvironment }
            }
            if o["fathom"] != nil { return .fathomCollectionSettings }
            if o.count == 1, case .object? = o["run"] { return .newmanOptions }
            if o["url"] != nil || o["graphql"] != nil || o["method"] != nil { return .fathomRequest }
            return .flatObject
        default:
            return .other("a JSON \(json.typeName)")
        }
    }

    /// How the kind reads in a message: "a Postman environment".
    public var description: String {
        switch self {
        case .postmanCollection(let v): return "a Postman collection (v\(v.hasSuffix(".0") ? String(v.dropLast(2)) : v))"
        case .postmanV1Collection: return "a Postman collection in the old v1 format"
        case .postmanEnvironment: return "a Postman environment"
        case .postmanGlobals: return "a Postman globals file"
        case .legacyGlobals: return "a Postman globals export (a list of {key, value})"
        case .iterationData: return "iteration data (a JSON array of rows)"
        case .fathomRequest: return "a Fathom request file"
        case .fathomCollectionSettings: return "a Fathom collection.json"
        case .newmanOptions: return "Newman's run options (a postman_config file)"
        case .flatObject: return "a JSON object of name → value"
        case .other(let s): return s
        }
    }

    /// The flag a file of this kind is given with, for hints.
    public var flag: String? {
        switch self {
        case .postmanCollection, .postmanV1Collection, .fathomRequest: return "the collection argument"
        case .postmanEnvironment, .flatObject: return "-e/--env"
        case .postmanGlobals, .legacyGlobals: return "-g/--globals"
        case .iterationData: return "-d/--data"
        case .fathomCollectionSettings: return "the collection argument (give its directory)"
        case .newmanOptions: return "command-line flags (--insecure, --timeout-request, ...)"
        case .other: return nil
        }
    }
}
