// Evaluation of segments and selectors (RFC 9535 §2.3, §2.5).

/// A node of a nodelist: a value and, when tracked, its location.
struct JPNode<Tracking: JPPathTracking> {
    var value: JSON
    var path: Tracking.Path
}

/// Evaluates queries. `Tracking` decides whether node locations are recorded:
/// `JPNoPath` for `select` and filters (no cost), `JPTrackedPath` for `selectNodes`.
enum JPEvaluator<Tracking: JPPathTracking> {
    typealias Node = JPNode<Tracking>

    static func evaluate(_ query: JPQuery, root: JSON, current: JSON) -> [Node] {
        let start = query.isAbsolute ? root : current
        var nodes = [Node(value: start, path: Tracking.root)]
        for segment in query.segments {
            if nodes.isEmpty { break }
            var out: [Node] = []
            if segment.isDescendant {
                for node in nodes { descend(node, segment.selectors, root: root, into: &out) }
            } else {
                for node in nodes {
                    for selector in segment.selectors { select(selector, node, root: root, into: &out) }
                }
            }
            nodes = out
        }
        return nodes
    }

    /// Applies the selectors to the node and to all its descendants, in document
    /// order (each node before its descendants), without recursion.
    private static func descend(_ node: Node, _ selectors: [JPSelector], root: JSON, into out: inout [Node]) {
        var stack = [node]
        while let d = stack.popLast() {
            for selector in selectors { select(selector, d, root: root, into: &out) }
            switch d.value {
            case .array(let a):
                var i = a.count - 1
                while i >= 0 {
                    if a[i].hasChildren { stack.append(Node(value: a[i], path: Tracking.child(d.path, index: i))) }
                    i -= 1
                }
            case .object(let o):
                let members = o.members
                var i = members.count - 1
                while i >= 0 {
                    let v = members[i].value
                    if v.hasChildren { stack.append(Node(value: v, path: Tracking.child(d.path, name: members[i].key))) }
                    i -= 1
                }
            default:
                break
            }
        }
    }

    /// Applies one selector to one node, appending the selected children.
    static func select(_ selector: JPSelector, _ node: Node, root: JSON, into out: inout [Node]) {
        switch selector {
        case .name(let name):
            if case .object(let o) = node.value, let v = o.member(exactly: name) {
                out.append(Node(value: v, path: Tracking.child(node.path, name: name)))
            }
        case .wildcard:
            switch node.value {
            case .array(let a):
                out.reserveCapacity(out.count + a.count)
                for (i, v) in a.enumerated() { out.append(Node(value: v, path: Tracking.child(node.path, index: i))) }
            case .object(let o):
                out.reserveCapacity(out.count + o.count)
                for (k, v) in o.members { out.append(Node(value: v, path: Tracking.child(node.path, name: k))) }
            default:
                break
            }
        case .index(let index):
            if case .array(let a) = node.value, let i = resolve(index, count: a.count) {
                out.append(Node(value: a[i], path: Tracking.child(node.path, index: i)))
            }
        case .slice(let start, let end, let step):
            if case .array(let a) = node.value {
                slice(a, start: start, end: end, step: step ?? 1) { i in
                    out.append(Node(value: a[i], path: Tracking.child(node.path, index: i)))
                }
            }
        case .filter(let expr):
            switch node.value {
            case .array(let a):
                for (i, v) in a.enumerated() where expr.test(root: root, current: v) {
                    out.append(Node(value: v, path: Tracking.child(node.path, index: i)))
                }
            case .object(let o):
                for (k, v) in o.members {
                    if expr.test(root: root, current: v) {
                        out.append(Node(value: v, path: Tracking.child(node.path, name: k)))
                    }
                }
            default:
                break
            }
        }
    }

    /// An index, negative from the end, as a valid position or `nil`.
    @inline(__always) static func resolve(_ index: Int64, count: Int) -> Int? {
        let n = Int64(count)
        let i = index < 0 ? n + index : index
        return i >= 0 && i < n ? Int(i) : nil
    }

    /// Calls `body` with each index selected by a slice (RFC 9535 §2.3.4.2).
    @inline(__always) static func slice(_ a: [JSON], start: Int64?, end: Int64?, step: Int64, _ body: (Int) -> Void) {
        let len = Int64(a.count)
        guard step != 0, len > 0 else { return }
        func normalize(_ i: Int64) -> Int64 { i >= 0 ? i : len + i }
        if step > 0 {
            let lower = min(max(normalize(start ?? 0), 0), len)
            let upper = min(max(normalize(end ?? len), 0), len)
            var i = lower
            while i < upper {
                body(Int(i))
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        } else {
            let upper = min(max(start.map(normalize) ?? len - 1, -1), len - 1)
            let lower = min(max(end.map(normalize) ?? -1, -1), len - 1)
            var i = upper
            while lower < i {
                body(Int(i))
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        }
    }
}

extension JPEvaluator where Tracking == JPNoPath {
    /// The values selected by a query, without locations.
    static func values(_ query: JPQuery, root: JSON, current: JSON) -> [JSON] {
        if query.isSingular {
            return singular(query, root: root, current: current).map { [$0] } ?? []
        }
        return evaluate(query, root: root, current: current).map(\.value)
    }

    /// The value selected by a singular query, or Nothing; walks without nodelists.
    static func singular(_ query: JPQuery, root: JSON, current: JSON) -> JSON? {
        guard let steps = query.singularSteps else {
            let nodes = evaluate(query, root: root, current: current)
            return nodes.count == 1 ? nodes[0].value : .none
        }
        var v = query.isAbsolute ? root : current
        for step in steps {
            switch (step, v) {
            case (.name(let name), .object(let o)):
                guard let next = o.member(exactly: name) else { return .none }
                v = next
            case (.index(let index), .array(let a)):
                guard let i = resolve(index, count: a.count) else { return .none }
                v = a[i]
            default:
                return .none
            }
        }
        return v
    }

    /// Whether a query selects at least one node.
    static func exists(_ query: JPQuery, root: JSON, current: JSON) -> Bool {
        if query.isSingular { return singular(query, root: root, current: current).map { _ in true } ?? false }
        return !evaluate(query, root: root, current: current).isEmpty
    }
}

extension JSONObject {
    /// The member whose name is exactly `name`, scalar for scalar. Swift's string
    /// equality (and so dictionary lookup) identifies canonically equivalent
    /// strings, which RFC 9535 §2.3.1.2 does not.
    @inline(__always) func member(exactly name: String) -> JSON? {
        guard let i = position(of: name) else { return .none }
        if entries[i].key.utf8.elementsEqual(name.utf8) { return entries[i].value }
        // A canonically equivalent key came first: look for the exact one.
        for e in entries where e.key.utf8.elementsEqual(name.utf8) { return e.value }
        return .none
    }
}

extension JSON {
    /// Arrays and objects that are not empty; the only values worth descending into.
    @inline(__always) var hasChildren: Bool {
        switch self {
        case .array(let a): return !a.isEmpty
        case .object(let o): return !o.isEmpty
        default: return false
        }
    }
}
