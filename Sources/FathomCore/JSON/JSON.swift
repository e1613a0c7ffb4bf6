/// A JSON value, the one currency of the core: collection files, response bodies,
/// variables and assertion operands are all `JSON`.
///
/// Integers are kept apart from doubles so that `25` is written back as `25` and
/// 64-bit identifiers survive a round trip; equality is numeric (`1 == 1.0`).
/// Objects keep their members' insertion order so output mirrors input.
public enum JSON: Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object(JSONObject)
}

/// An insertion-ordered JSON object.
///
/// Members live in one array in insertion order. Most objects are small, and a
/// linear scan of a few keys beats hashing them, so the key → position index is
/// built only once an object grows past `indexThreshold` members: parsing a large
/// document allocates one buffer per object instead of two plus a hash table.
public struct JSONObject: Sendable {
    @usableFromInline var entries: [(key: String, value: JSON)] = []
    @usableFromInline var index: [String: Int]?
    @usableFromInline static let indexThreshold = 12

    public init() {}

    public init(_ pairs: [(String, JSON)]) {
        entries.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Keys in insertion order.
    public var keys: [String] { entries.map(\.key) }

    @inline(__always)
    func position(of key: String) -> Int? {
        if let index { return index[key] }
        for i in entries.indices where entries[i].key == key { return i }
        return nil
    }

    public subscript(key: String) -> JSON? {
        get { position(of: key).map { entries[$0].value } }
        set {
            if let newValue {
                if let i = position(of: key) {
                    entries[i].value = newValue
                } else {
                    entries.append((key, newValue))
                    if index != nil {
                        index![key] = entries.count - 1
                    } else if entries.count > Self.indexThreshold {
                        buildIndex()
                    }
                }
            } else if let i = position(of: key) {
                entries.remove(at: i)
                if index != nil { buildIndex() }
            }
        }
    }

    private mutating func buildIndex() {
        var d = [String: Int](minimumCapacity: entries.count)
        for (i, e) in entries.enumerated() { d[e.key] = i }
        index = d
    }

    /// Members in insertion order.
    public var members: [(key: String, value: JSON)] { entries }

    public var values: [JSON] { entries.map(\.value) }

    /// Reserves room for `n` members (the parser knows nothing in advance; builders may).
    public mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self.init(elements)
    }
}

extension JSONObject: Equatable {
    /// Objects are equal when they hold the same members, whatever their order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (k, v) in lhs.entries {
            guard let o = rhs[k], o == v else { return false }
        }
        return true
    }
}

extension JSON: Equatable {
    /// Deep equality; numbers compare by value, so `1` equals `1.0`.
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.integer(a), .double(b)): return Double(a) == b && (b.magnitude < 9.3e18)
        case let (.double(a), .integer(b)): return a == Double(b) && (a.magnitude < 9.3e18)
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        default: return false
        }
    }
}

extension JSON: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .integer(let i): hasher.combine(Double(i))
        case .double(let d): hasher.combine(d)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let o):
            hasher.combine(o.count)
            for k in o.keys.sorted() { hasher.combine(k); hasher.combine(o[k]!) }
        }
    }
}

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
}

extension JSON {
    /// The JSON type name used in messages and by the `type` predicate.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "number"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The value as a Double when it is a number.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The value as an Int when it is an integral number that fits.
    public var intValue: Int? {
        switch self {
        case .integer(let i): return Int(exactly: i)
        case .double(let d):
            guard d.rounded() == d, d.magnitude < 9.0e15 else { return nil }
            return Int(d)
        default: return nil
        }
    }

    public var isNumber: Bool {
        switch self {
        case .integer, .double: return true
        default: return false
        }
    }

    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public subscript(index: Int) -> JSON? {
        if case .array(let a) = self, index >= 0, index < a.count { return a[index] }
        return nil
    }

    /// Text for interpolation into a string: strings as they are, everything else as compact JSON.
    public var interpolationText: String {
        switch self {
        case .string(let s): return s
        default: return serialized()
        }
    }
}
