import Foundation

/// Why a template could not be resolved.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case unresolved(String)
        case cycle([String])
        case tooDeep(String)
        /// A name built from references nested more than `maxDepth` levels (`{{a_{{b_{{…`).
        case nestedTooDeep
    }
    public var kind: Kind
    /// JSON pointer of the field within its file (`/headers/Authorization`).
    public var pointer: String

    public var description: String {
        let field = TemplateError.fieldName(pointer)
        switch kind {
        case .unresolved(let name):
            if name.hasPrefix("$") {
                var msg = "unknown dynamic variable '{{\(name)}}' in \(field)"
                if let s = closestMatch(to: name, in: DynamicValues.names) { msg += " (did you mean '{{\(s)}}'?)" }
                return msg + "; known ones include {{$guid}}, {{$timestamp}}, {{$isoTimestamp}}, {{$randomInt}} and Postman's {{$random...}} names (see docs/collection-format.md)"
            }
            return "unresolved variable '\(name)' in \(field); define it in the collection's or a folder's \"variables\", in the environment (--env), with --var \(name)=VALUE, or capture it in an earlier request"
        case .cycle(let names):
            return "variable cycle in \(field): " + names.joined(separator: " → ") + "; make one of these variables a plain value"
        case .tooDeep(let name):
            return "variable '\(name)' in \(field) nests templates more than \(Template.maxDepth) levels deep"
        case .nestedTooDeep:
            return "a reference in \(field) builds its name from references nested more than \(Template.maxDepth) levels deep ({{a_{{b_{{…}}}}}}); nest fewer, or escape the braces if they are not a reference"
        }
    }

    /// `/headers/Authorization` → `headers.Authorization`; "" → `the request`.
    static func fieldName(_ pointer: String) -> String {
        if pointer.isEmpty { return "the request" }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
            .joined(separator: ".")
    }
}

/// Resolves `{{name}}` references with typed substitution (§4).
///
/// A string that is exactly one `{{name}}` becomes the variable's JSON value with
/// its type; anywhere else the value's text is spliced in. References nest
/// (`{{a_{{b}}}}`) and values may themselves hold references.
public struct Template {
    public static let maxDepth = 16

    /// Finds a variable's raw value, or nil when it is not defined.
    public var lookup: (String) -> JSON?
    /// Where `{{$guid}}` and the other dynamic values come from.
    public var dynamic: DynamicValues
    /// Leave an undefined `{{name}}` as written (recording it in `unresolved`)
    /// instead of throwing: Postman's behaviour, `unresolved_variables: keep`.
    public var keepUnresolved: Bool
    /// The names left as written, when `keepUnresolved`.
    public let unresolved: UnresolvedNames?

    public init(lookup: @escaping (String) -> JSON?, dynamic: DynamicValues = .system, keepUnresolved: Bool = false) {
        self.lookup = lookup
        self.dynamic = dynamic
        self.keepUnresolved = keepUnresolved
        self.unresolved = keepUnresolved ? UnresolvedNames() : nil
    }

    /// The same lookups with another policy for undefined names.
    public func keeping(_ keep: Bool) -> Template {
        keep == keepUnresolved ? self : Template(lookup: lookup, dynamic: dynamic, keepUnresolved: keep)
    }

    /// Whether a string holds a template reference at all (the fast path skips work).
    @inline(__always)
    public static func hasReference(_ s: String) -> Bool {
        s.utf8.withContiguousStorageIfAvailable { buf -> Bool in
            guard buf.count >= 4 else { return false }
            for i in 0..<(buf.count - 1) where buf[i] == 0x7B && buf[i + 1] == 0x7B { return true }
            return false
        } ?? s.hasTemplateMarker
    }

    /// Resolves every string inside a JSON value, typed where a string is a whole reference.
    public func resolve(_ value: JSON, at pointer: String) throws(TemplateError) -> JSON {
        guard value.mayHoldTemplate else { return value }
        switch value {
        case .string(let s):
            guard Template.hasReference(s) else { return value }
            return try resolveTyped(s, at: pointer, stack: [])
        case .array(let items):
            var out = items
            for i in items.indices {
                out[i] = try resolve(items[i], at: "\(pointer)/\(i)")
            }
            return .array(out)
        case .object(let o):
            var out = JSONObject()
            for (k, v) in o.members {
                out[k] = try resolve(v, at: "\(pointer)/\(jsonPointerEscape(k))")
            }
            return .object(out)
        default:
            return value
        }
    }

    /// Resolves a template string to text.
    public func resolveString(_ s: String, at pointer: String) throws(TemplateError) -> String {
        guard Template.hasReference(s) else { return s }
        return try interpolate(s, at: pointer, stack: [])
    }

    // MARK: - Internals

    func resolveTyped(_ s: String, at pointer: String, stack: [String]) throws(TemplateError) -> JSON {
        if let inner = Template.wholeReference(s) {
            let name = try interpolate(String(inner), at: pointer, stack: stack, nesting: 1).trimmedOfSpaces
            do {
                return try value(of: name, at: pointer, stack: stack)
            } catch {
                guard keepUnresolved, case .unresolved(let missing) = error.kind else { throw error }
                unresolved?.add(missing)
                return .string(name == missing ? "{{\(inner)}}" : "{{\(name)}}")
            }
        }
        return .string(try interpolate(s, at: pointer, stack: stack))
    }

    /// If `s` is exactly `{{…}}` with balanced nesting, the text between the outer braces.
    static func wholeReference(_ s: String) -> Substring? {
        guard s.hasPrefix("{{"), s.hasSuffix("}}"), s.utf8.count >= 4 else { return nil }
        let u = Array(s.utf8)
        guard matchingClose(u, from: 0) == u.count - 2 else { return nil }
        return s.dropFirst(2).dropLast(2)
    }

    /// - Parameter nesting: how many names this text is nested in (`{{a_{{b}}}}`: 1 for `a_{{b}}`).
    func interpolate(_ s: String, at pointer: String, stack: [String], nesting: Int = 0) throws(TemplateError) -> String {
        if nesting > Template.maxDepth { throw TemplateError(kind: .nestedTooDeep, pointer: pointer) }
        let u = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        // A scan that finds its `}}` moves past it, so scans cost the text's length in
        // all. One that finds none has scanned to the end: from then on, where every
        // `{{` closes comes from one pass over the text (`BraceMatches`), so that many
        // unbalanced `{{` are not each scanned to the end. Balanced text, the usual
        // case, never builds it.
        var braces: BraceMatches?
        var i = 0
        while i < u.count {
            if i + 1 < u.count, u[i] == 0x7B, u[i + 1] == 0x7B {
                let found = braces.map { $0.close(from: i) } ?? Template.matchingClose(u, from: i)
                guard let close = found else {
                    if braces == nil { braces = BraceMatches(u) }
                    out.append(u[i])
                    i += 1
                    continue
                }
                let inner = String(decoding: u[(i + 2)..<close], as: UTF8.self)
                // A name built from other references (`{{a_{{b}}}}`) is resolved first.
                let name = (inner.hasTemplateMarker ? try interpolate(inner, at: pointer, stack: stack, nesting: nesting + 1) : inner).trimmedOfSpaces
                do {
                    let v = try value(of: name, at: pointer, stack: stack)
                    out.append(contentsOf: v.interpolationText.utf8)
                } catch {
                    guard keepUnresolved, case .unresolved(let missing) = error.kind else { throw error }
                    unresolved?.add(missing)
                    out.append(contentsOf: "{{\(name)}}".utf8)
                }
                i = close + 2
                continue
            }
            out.append(u[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Where the `{{` at each position closes, as `matchingClose` finds it, for a whole
    /// text at once. Scanning from a `{{` inside a run of braces sees the run's last
    /// (run end − start) / 2 opening pairs and then the same pairs as the scan from the
    /// run's start: so each start closes where the run's canonical pair with that many
    /// pairs still open after it closes, and one stack over the canonical pairs finds
    /// them all.
    struct BraceMatches {
        /// Runs of `{` holding at least one pair: where they start and end, and the
        /// index of their first pair in `closes`.
        private var runs: [(start: Int, end: Int, firstPair: Int)] = []
        /// For each canonical `{{`, in order, the index of its `}}`, or -1.
        private var closes: [Int] = []

        init(_ u: [UInt8]) {
            var open: [Int] = []
            var i = 0
            while i < u.count {
                if u[i] == 0x7B {
                    var end = i
                    while end < u.count, u[end] == 0x7B { end += 1 }
                    let pairs = (end - i) / 2
                    if pairs > 0 {
                        runs.append((i, end, closes.count))
                        for _ in 0..<pairs {
                            open.append(closes.count)
                            closes.append(-1)
                        }
                    }
                    i = end
                } else if u[i] == 0x7D, i + 1 < u.count, u[i + 1] == 0x7D {
                    if let pair = open.popLast() { closes[pair] = i }
                    i += 2
                } else {
                    i += 1
                }
            }
        }

        /// The index of the `}}` closing the `{{` at `start`, or nil when unbalanced.
        func close(from start: Int) -> Int? {
            var low = 0
            var high = runs.count
            while low < high {
                let mid = (low + high) / 2
                if runs[mid].start <= start { low = mid + 1 } else { high = mid }
            }
            guard low > 0 else { return nil }
            let run = runs[low - 1]
            guard start < run.end else { return nil }
            let pairsAfter = (run.end - start) / 2
            guard pairsAfter > 0 else { return nil }
            let close = closes[run.firstPair + (run.end - run.start) / 2 - pairsAfter]
            return close >= 0 ? close : nil
        }
    }

    /// Index of the `}}` that closes the `{{` at `start`, or nil when unbalanced.
    static func matchingClose(_ u: [UInt8], from start: Int) -> Int? {
        var depth = 0
        var i = start
        while i < u.count - 1 {
            if u[i] == 0x7B && u[i + 1] == 0x7B {
                depth += 1
                i += 2
                continue
            }
            if u[i] == 0x7D && u[i + 1] == 0x7D {
                depth -= 1
                if depth == 0 { return i }
                i += 2
                continue
            }
            i += 1
        }
        return nil
    }

    func value(of name: String, at pointer: String, stack: [String]) throws(TemplateError) -> JSON {
        if name.hasPrefix("$") {
            if let v = lookup(name) { return v }
            if let v = dynamic.value(name) { return v }
            throw TemplateError(kind: .unresolved(name), pointer: pointer)
        }
        guard let raw = lookup(name) else { throw TemplateError(kind: .unresolved(name), pointer: pointer) }
        if stack.contains(name) { throw TemplateError(kind: .cycle(stack + [name]), pointer: pointer) }
        if stack.count >= Template.maxDepth { throw TemplateError(kind: .tooDeep(name), pointer: pointer) }
        switch raw {
        case .string(let s) where Template.hasReference(s):
            return try resolveTyped(s, at: pointer, stack: stack + [name])
        case .array, .object:
            return try resolveNested(raw, at: pointer, stack: stack + [name])
        default:
            return raw
        }
    }

    func resolveNested(_ value: JSON, at pointer: String, stack: [String]) throws(TemplateError) -> JSON {
        switch value {
        case .string(let s) where Template.hasReference(s): return try resolveTyped(s, at: pointer, stack: stack)
        case .array(let a):
            var out: [JSON] = []
            for v in a { out.append(try resolveNested(v, at: pointer, stack: stack)) }
            return .array(out)
        case .object(let o):
            var out = JSONObject()
            for (k, v) in o.members { out[k] = try resolveNested(v, at: pointer, stack: stack) }
            return .object(out)
        default: return value
        }
    }
}

/// The names a template left as written, in the order first met.
public final class UnresolvedNames: @unchecked Sendable {
    public private(set) var names: [String] = []
    func add(_ name: String) { if !names.contains(name) { names.append(name) } }
}

extension JSON {
    /// False when the value certainly holds no `{{...}}` (a number, a boolean, null,
    /// or a string without a reference): resolving it would give it back unchanged.
    var mayHoldTemplate: Bool {
        switch self {
        case .null, .bool, .integer, .double: return false
        case .string(let s): return Template.hasReference(s)
        case .array, .object: return true
        }
    }
}
