/// Reads the members of one parsed file and records what is wrong with them,
/// each problem located at the offending key or value.
struct FileChecker {
    let file: String
    let map: JSONSourceMap
    var diagnostics: [Diagnostic] = []

    init(file: String, map: JSONSourceMap) {
        self.file = file
        self.map = map
    }

    mutating func error(_ pointer: String, _ message: String, atValue: Bool = false) {
        let pos = atValue ? map.valuePosition(for: pointer) : map.position(for: pointer)
        diagnostics.append(Diagnostic(file: file, position: pos, message: message))
    }

    /// A problem that does not stop the load (it becomes the request's error when run).
    mutating func warning(_ pointer: String, _ message: String, atValue: Bool = false) {
        let pos = atValue ? map.valuePosition(for: pointer) : map.position(for: pointer)
        diagnostics.append(Diagnostic(.warning, file: file, position: pos, message: message))
    }

    /// Flags every key of `object` that is not in `allowed`, with a suggestion.
    mutating func checkKeys(_ object: JSONObject, at pointer: String, allowed: [String], what: String) {
        for (key, _) in object.members where !allowed.contains(key) {
            var msg = "unknown \(what) '\(key)'"
            if let s = closestMatch(to: key, in: allowed) {
                msg += " (did you mean '\(s)'?)"
            } else {
                msg += "; expected one of: " + allowed.joined(separator: ", ")
            }
            error(pointer + "/" + jsonPointerEscape(key), msg)
        }
    }

    /// True when a JSON string is a single whole template, which may stand for any type.
    static func isWholeTemplate(_ value: JSON) -> Bool {
        guard case .string(let s) = value else { return false }
        return Template.wholeReference(s) != nil
    }

    mutating func string(_ value: JSON?, at pointer: String, field: String) -> String? {
        guard let value else { return nil }
        if case .string(let s) = value { return s }
        error(pointer, "'\(field)' must be a string, not \(value.typeName)", atValue: true)
        return nil
    }

    mutating func stringArray(_ value: JSON?, at pointer: String, field: String) -> [String]? {
        guard let value else { return nil }
        guard case .array(let items) = value else {
            error(pointer, "'\(field)' must be an array of strings, not \(value.typeName)", atValue: true)
            return nil
        }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            if case .string(let s) = item { out.append(s) } else {
                error("\(pointer)/\(i)", "'\(field)' must contain only strings; found \(item.typeName)", atValue: true)
            }
        }
        return out
    }

    mutating func object(_ value: JSON?, at pointer: String, field: String) -> JSONObject? {
        guard let value else { return nil }
        if case .object(let o) = value { return o }
        error(pointer, "'\(field)' must be an object, not \(value.typeName)", atValue: true)
        return nil
    }

    /// A name → template-string map such as `headers` or `form`.
    mutating func stringMap(_ value: JSON?, at pointer: String, field: String) -> [(String, String)]? {
        guard let obj = object(value, at: pointer, field: field) else { return nil }
        var out: [(String, String)] = []
        for (k, v) in obj.members {
            switch v {
            case .string(let s): out.append((k, s))
            case .integer, .double, .bool: out.append((k, v.serialized()))
            default:
                error("\(pointer)/\(jsonPointerEscape(k))", "'\(field).\(k)' must be a string, not \(v.typeName)", atValue: true)
            }
        }
        return out
    }
}
