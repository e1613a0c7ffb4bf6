// Node locations and RFC 9535 normalized paths (§2.7), e.g. `$['a'][0]`.

/// How the evaluator records node locations.
protocol JPPathTracking {
    associatedtype Path
    static var root: Path { get }
    static func child(_ parent: Path, name: String) -> Path
    static func child(_ parent: Path, index: Int) -> Path
}

/// No locations: `select` and filters pay nothing for them.
enum JPNoPath: JPPathTracking {
    static var root: Void { () }
    @inline(__always) static func child(_ parent: Void, name: String) {}
    @inline(__always) static func child(_ parent: Void, index: Int) {}
}

/// Locations as a shared linked list from each node up to the root, so that
/// siblings share their parent's path and nothing is copied until formatted.
enum JPTrackedPath: JPPathTracking {
    static var root: JPLocation { JPLocation(last: nil) }
    static func child(_ parent: JPLocation, name: String) -> JPLocation {
        JPLocation(last: JPLocation.Link(parent: parent.last, element: .name(name)))
    }
    static func child(_ parent: JPLocation, index: Int) -> JPLocation {
        JPLocation(last: JPLocation.Link(parent: parent.last, element: .index(index)))
    }
}

/// The location of a node in a document.
struct JPLocation {
    enum Element {
        case name(String)
        case index(Int)
    }

    final class Link {
        let parent: Link?
        let element: Element
        init(parent: Link?, element: Element) {
            self.parent = parent
            self.element = element
        }
    }

    var last: Link?

    /// Elements from the root down.
    var elements: [Element] {
        var out: [Element] = []
        var link = last
        while let l = link {
            out.append(l.element)
            link = l.parent
        }
        return out.reversed()
    }

    /// The normalized path: `$` then `['name']` or `[index]` per element.
    var normalizedPath: String {
        var s = "$"
        for e in elements {
            switch e {
            case .index(let i):
                s += "[\(i)]"
            case .name(let n):
                s += "['"
                JPLocation.appendEscaped(n, to: &s)
                s += "']"
            }
        }
        return s
    }

    /// Escapes a member name for a normalized path: `\'`, `\\`, `\b \f \n \r \t`,
    /// and `\u00XX` (lowercase hex) for other control characters.
    static func appendEscaped(_ name: String, to s: inout String) {
        for c in name.unicodeScalars {
            switch c {
            case "'": s += "\\'"
            case "\\": s += "\\\\"
            case "\u{08}": s += "\\b"
            case "\u{0C}": s += "\\f"
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            default:
                if c.value < 0x20 {
                    let h = String(c.value, radix: 16, uppercase: false)
                    s += "\\u00" + (h.count < 2 ? "0" + h : h)
                } else {
                    s.unicodeScalars.append(c)
                }
            }
        }
    }
}

extension JSONPath {
    /// The normalized path for a list of member names and array indices, e.g.
    /// `normalizedPath(["a", 0])` is `$['a'][0]`. Elements other than strings and
    /// integers are ignored.
    public static func normalizedPath(_ elements: [JSON]) -> String {
        var location = JPTrackedPath.root
        for e in elements {
            switch e {
            case .string(let n): location = JPTrackedPath.child(location, name: n)
            case .integer(let i): location = JPTrackedPath.child(location, index: Int(clamping: i))
            default: continue
            }
        }
        return location.normalizedPath
    }
}

/// One step of a node's location: a member name or an array index.
enum JSONPathLocation: Equatable {
    case name(String)
    case index(Int)
}

extension JSONPath {
    /// The locations of the resulting nodes, each from the root down (for editing a
    /// document at what a query selects, as baseline comparisons do).
    func locations(in root: JSON) -> [[JSONPathLocation]] {
        JPEvaluator<JPTrackedPath>.evaluate(query, root: root, current: root).map { node in
            node.path.elements.map { e in
                switch e {
                case .name(let n): return .name(n)
                case .index(let i): return .index(i)
                }
            }
        }
    }
}
