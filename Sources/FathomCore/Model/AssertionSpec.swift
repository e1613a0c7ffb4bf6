/// One assertion as written: a subject and the predicates that must all hold.
public struct AssertionSpec: Sendable {
    public enum Subject: Sendable, Equatable {
        case status
        case durationMs
        case sizeBytes
        /// The body as text.
        case body
        /// RFC 9535 JSONPath on the JSON body (a template).
        case path(String)
        /// Response header, case-insensitive name (a template).
        case header(String)
        /// Cookie set by the response (a template).
        case cookie(String)
        /// XPath on an XML or HTML body (a template).
        case xpath(String)

        /// The key that introduces this subject in a file.
        public var key: String {
            switch self {
            case .status: return "status"
            case .durationMs: return "duration_ms"
            case .sizeBytes: return "size_bytes"
            case .body: return "body"
            case .path: return "path"
            case .header: return "header"
            case .cookie: return "cookie"
            case .xpath: return "xpath"
            }
        }

        public var hasSelector: Bool {
            switch self {
            case .path, .header, .cookie, .xpath: return true
            default: return false
            }
        }

        /// Subjects whose value is text on the wire: numeric operands compare against parsed text.
        var isTextual: Bool {
            switch self {
            case .header, .cookie, .xpath, .body: return true
            default: return false
            }
        }

        public static let allKeys = ["status", "duration_ms", "size_bytes", "body", "path", "header", "cookie", "xpath"]
    }

    public var subject: Subject
    public var predicates: [PredicateSpec]
    /// The user's own name for it, if any.
    public var name: String?
    /// JSON pointer of the assertion in its file (`/assert/2`), for messages.
    public var pointer: String

    public init(subject: Subject, predicates: [PredicateSpec], name: String? = nil, pointer: String = "") {
        self.subject = subject
        self.predicates = predicates
        self.name = name
        self.pointer = pointer
    }

    /// A stable name made from what was written (templates unresolved), so a CI's
    /// history follows the assertion from run to run.
    public var displayName: String {
        if let name { return name }
        let subjectText: String
        switch subject {
        case .status: subjectText = "status"
        case .durationMs: subjectText = "duration_ms"
        case .sizeBytes: subjectText = "size_bytes"
        case .body: subjectText = "body"
        case .path(let p): subjectText = p
        case .header(let h): subjectText = "header \(h)"
        case .cookie(let c): subjectText = "cookie \(c)"
        case .xpath(let x): subjectText = "xpath \(x)"
        }
        // One buffer: assertion names are made for every assertion of every request.
        var out = subjectText
        out.reserveCapacity(subjectText.utf8.count + 24 * predicates.count)
        out += " "
        for (i, p) in predicates.enumerated() {
            if i > 0 { out += ", " }
            p.appendDisplayText(to: &out)
        }
        return out
    }
}

public enum PredicateKind: String, Sendable, CaseIterable {
    case equals, not_equals, gt, gte, lt, lte, contains, not_contains, starts_with, ends_with
    case matches, not_matches, exists, type, format, length, one_of, empty

    /// Predicates that pass when the value is missing.
    var passesOnMissing: Bool {
        switch self {
        case .not_equals, .not_contains, .not_matches: return true
        default: return false
        }
    }

    public static let allNames = PredicateKind.allCases.map(\.rawValue)
}

/// A predicate and its operand (still a template until the runner resolves it).
public struct PredicateSpec: Sendable {
    public var kind: PredicateKind
    public var operand: JSON
    /// For `length` with a predicate object: the predicates on the length.
    public var nested: [PredicateSpec]?

    public init(kind: PredicateKind, operand: JSON, nested: [PredicateSpec]? = nil) {
        self.kind = kind
        self.operand = operand
        self.nested = nested
    }

    var displayText: String {
        var out = ""
        appendDisplayText(to: &out)
        return out
    }

    /// `equals "x"`, `length gt 2, lt 5`: the predicate as its names show it.
    func appendDisplayText(to out: inout String) {
        out += kind.rawValue
        out += " "
        if let nested {
            for (i, n) in nested.enumerated() {
                if i > 0 { out += ", " }
                n.appendDisplayText(to: &out)
            }
        } else {
            out += operand.serialized()
        }
    }
}

/// A capture: a selector whose value becomes a variable for later requests.
public struct CaptureSpec: Sendable {
    public enum Selector: Sendable, Equatable {
        case path(String)
        case header(String)
        case cookie(String)
        /// A regular expression on the body text with exactly one capture group.
        case regex(String)
        case xpath(String)
    }

    public var name: String
    public var selector: Selector
    public var defaultValue: JSON?
    public var secret: Bool
    public var pointer: String

    public init(name: String, selector: Selector, defaultValue: JSON? = nil, secret: Bool = false, pointer: String = "") {
        self.name = name
        self.selector = selector
        self.defaultValue = defaultValue
        self.secret = secret
        self.pointer = pointer
    }
}
